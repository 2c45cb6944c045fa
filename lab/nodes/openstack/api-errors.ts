import { requestId } from './ids.js';

/** An error the REST API would answer; the CLIs print it the way their client library does. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  /** python-openstackclient / keystoneclient style: `<message> (HTTP 409) (Request-ID: req-…)`. */
  withHttpSuffix(): string {
    return `${this.message} (HTTP ${this.status}) (Request-ID: ${requestId()})`;
  }
}

export const conflict = (what: string) => new ApiError(409, `Conflict occurred attempting to store ${what} - Duplicate Entry`);

export const unauthorized = () => new ApiError(401, 'The request you have made requires authentication.');

export const serverError = () => new ApiError(500, 'An unexpected error prevented the server from fulfilling your request.');

/** The client could not open a TCP connection to the service's URL. */
export class ConnectionRefused extends Error {
  constructor(readonly url: string) {
    super(`Unable to establish connection to ${url}`);
  }
}

/** A name or id given on the command line matched nothing (client-side lookup). */
export class NotFoundByName extends Error {
  constructor(kind: string, nameOrId: string) {
    super(`No ${kind} with a name or ID of '${nameOrId}' exists.`);
  }
}
