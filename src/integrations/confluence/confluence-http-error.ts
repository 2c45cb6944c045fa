/** A Confluence answer of status ≥ 400, with what a caller needs to decide whether to retry. */
export class ConfluenceHttpError extends Error {
  constructor(
    readonly status: number,
    /** Seconds from the Retry-After header; null when absent. */
    readonly retryAfter: number | null,
    readonly body: unknown,
    operation: string,
  ) {
    super(`Confluence ${operation} failed with HTTP ${status}${describe(body)}`);
    this.name = 'ConfluenceHttpError';
  }

  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** The page changed under us and the change is not ours: overwriting it would lose someone's edit. */
export class ConfluenceConflictError extends Error {
  constructor(
    readonly pageId: string,
    readonly currentVersion: number,
  ) {
    super(`Confluence page ${pageId} was changed by someone else (now version ${currentVersion}); not overwriting it`);
    this.name = 'ConfluenceConflictError';
  }
}

function describe(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') return `: ${body.message}`;
  if (typeof body === 'string' && body.trim()) return `: ${body.trim().slice(0, 200)}`;
  return '';
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(header: unknown, now = Date.now()): number | null {
  if (typeof header !== 'string' || header.trim() === '') return null;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

interface SuperagentError {
  status?: number;
  response?: { headers?: Record<string, string>; body?: unknown; text?: string };
}

/** confluence-api hands superagent's error through; some paths hand a bare string. */
export function toConfluenceError(err: unknown, operation: string): Error {
  if (typeof err === 'string') return new Error(`Confluence ${operation} failed: ${err}`);
  const candidate = err as SuperagentError | undefined;
  if (candidate && typeof candidate.status === 'number' && candidate.status >= 400) {
    const response = candidate.response;
    const body = response?.body && Object.keys(response.body as object).length > 0 ? response.body : response?.text;
    return new ConfluenceHttpError(candidate.status, parseRetryAfter(response?.headers?.['retry-after']), body, operation);
  }
  return err instanceof Error ? err : new Error(`Confluence ${operation} failed: ${String(err)}`);
}
