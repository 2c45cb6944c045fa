import { AtlassianHttpError, type Headers } from '../http/http-error.js';

/** A Confluence answer of status ≥ 400. */
export class ConfluenceHttpError extends AtlassianHttpError {
  constructor(status: number, headers: Headers, body: unknown, operation: string) {
    super(status, headers, body, `Confluence ${operation} failed with HTTP ${status}${describe(body)}`);
    this.name = 'ConfluenceHttpError';
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
    return new ConfluenceHttpError(candidate.status, response?.headers ?? {}, body, operation);
  }
  return err instanceof Error ? err : new Error(`Confluence ${operation} failed: ${String(err)}`);
}
