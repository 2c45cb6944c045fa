import { AtlassianHttpError, AtlassianNetworkError, type Headers } from '../http/http-error.js';

/**
 * A JIRA answer ≥ 400 with its status kept. jira-client's `doRequest` catches whatever the
 * transport rejects with and rethrows `new Error(JSON.stringify(e))`, so the transport rejects
 * with a tagged plain object and `toJiraError` parses it back out of the message.
 */
export class JiraHttpError extends AtlassianHttpError {
  constructor(
    status: number,
    headers: Headers,
    body: unknown,
    /** `POST /rest/api/2/search` (method and path) when known. */
    readonly request?: string,
  ) {
    super(status, headers, body, `JIRA answered ${status}${request ? ` to ${request}` : ''}: ${describeBody(body)}`);
    this.name = 'JiraHttpError';
  }
}

/** A connection-level failure (refused, reset, timeout): no HTTP status at all. */
export class JiraNetworkError extends AtlassianNetworkError {
  constructor(code: string, message: string) {
    super(code, `JIRA unreachable (${code}): ${message}`);
    this.name = 'JiraNetworkError';
  }
}

export const TRANSPORT_TAG = 'opsprint-jira-transport';

export interface TaggedHttpFailure {
  tag: typeof TRANSPORT_TAG;
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  request?: string;
}
export interface TaggedNetworkFailure {
  tag: typeof TRANSPORT_TAG;
  networkError: string;
  message: string;
}

export function toJiraError(error: unknown): Error {
  if (error instanceof JiraHttpError || error instanceof JiraNetworkError) return error;
  if (!(error instanceof Error)) return new Error(String(error));
  let parsed: Partial<TaggedHttpFailure & TaggedNetworkFailure>;
  try {
    parsed = JSON.parse(error.message);
  } catch {
    return error;
  }
  if (parsed?.tag !== TRANSPORT_TAG) return error;
  if (typeof parsed.statusCode === 'number') return new JiraHttpError(parsed.statusCode, parsed.headers ?? {}, parsed.body, parsed.request);
  return new JiraNetworkError(parsed.networkError ?? 'UNKNOWN', parsed.message ?? '');
}

function describeBody(body: unknown): string {
  if (body && typeof body === 'object') {
    const { errorMessages, errors } = body as { errorMessages?: unknown; errors?: unknown };
    const parts = [
      ...(Array.isArray(errorMessages) ? errorMessages.map(String) : []),
      ...(errors && typeof errors === 'object' ? Object.entries(errors).map(([k, v]) => `${k}: ${String(v)}`) : []),
    ];
    if (parts.length) return parts.join('; ');
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (text ?? '').slice(0, 300) || '(empty body)';
}
