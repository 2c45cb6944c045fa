const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** An error the sandbox answers with, in Confluence's own error body shape. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): object {
    return {
      statusCode: this.status,
      data: {
        authorized: this.status !== 401 && this.status !== 403,
        valid: this.status !== 400,
        allowedInReadOnlyMode: true,
        errors: [],
        successful: false,
      },
      message: this.message,
      reason: REASONS[this.status] ?? 'Error',
    };
  }
}

export const notFound = (id: string): SandboxError => new SandboxError(404, `No content found with id: ContentId{id=${id}}`);
export const badRequest = (message: string): SandboxError => new SandboxError(400, message);
