/**
 * What `opsprint` exits with, so a pipeline can tell the outcomes apart (README "CLI" lists them).
 * A command that follows a deployment exits with the deployment's outcome.
 */
export const EXIT = {
  /** The command did what was asked; a followed deployment succeeded. */
  ok: 0,
  /** The followed deployment failed. */
  deploymentFailed: 1,
  /** Bad command line: unknown flag, missing argument, bad value. */
  usage: 2,
  /** The followed deployment was cancelled. */
  deploymentCancelled: 3,
  /** The service refused the request (400 bad input, 404 not found, 409 conflict, …). */
  refused: 4,
  /** Not logged in, or the token was refused (401) or lacks the role (403). */
  auth: 5,
  /** The service could not be reached (connection refused, unknown host, timeout, log stream lost for 30 s). */
  unreachable: 6,
  /** The service failed (HTTP 5xx). */
  serverError: 7,
  /** A defect in the CLI itself. */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one line and turns into an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
