import { parseRetryAfter } from './retry-after.js';

export type Headers = Record<string, string | string[] | undefined>;

/** An Atlassian answer of status ≥ 400, with what a caller needs to decide whether to try again. */
export class AtlassianHttpError extends Error {
  /** Seconds from Retry-After (either form); null when absent. */
  readonly retryAfter: number | null;

  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'AtlassianHttpError';
    this.retryAfter = parseRetryAfter(headers['retry-after']);
  }

  /** Rate limits and server errors pass; 408 (timeout) and 425 (too early) are worth another go too. */
  get transient(): boolean {
    return [408, 425, 429].includes(this.status) || this.status >= 500;
  }
}

/** No HTTP answer at all: refused, reset, timed out, name not found. */
export class AtlassianNetworkError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AtlassianNetworkError';
  }
}

const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);

/** Worth retrying: a transient HTTP status or a dropped connection (not a refusal that would only repeat). */
export function isTransient(error: unknown): boolean {
  if (error instanceof AtlassianHttpError) return error.transient;
  if (error instanceof AtlassianNetworkError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_NETWORK.has(code);
}

/**
 * Answers that cannot succeed on a retry: a request the server refuses as malformed (400), wrong
 * credentials (401), missing permission (403), a resource or API that is not there (404) or has
 * been removed (410). Retrying them only hides the problem; the job that got one stops for good.
 */
const FINAL_STATUSES = new Set([400, 401, 403, 404, 410]);

export function isFinal(error: unknown): error is AtlassianHttpError {
  return error instanceof AtlassianHttpError && FINAL_STATUSES.has(error.status);
}
