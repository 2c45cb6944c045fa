import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { Connection } from './config.js';
import { CliError, EXIT } from './exit-codes.js';

const REQUEST_TIMEOUT_MS = 30_000;

/** Why fetch failed, in words, from the system error underneath undici's "fetch failed". */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    default:
      if ((error as Error).name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
      return cause?.message ?? (error as Error).message;
  }
}

/** The API's error body `{statusCode, message, reasons?}` as one line. */
function describeHttpError(status: number, statusText: string, body: string): string {
  let detail = '';
  try {
    const parsed = JSON.parse(body) as { message?: unknown; reasons?: unknown };
    if (Array.isArray(parsed.reasons) && parsed.reasons.length) detail = parsed.reasons.map(String).join('; ');
    else if (typeof parsed.message === 'string') detail = parsed.message;
  } catch {
    detail = body.trim().slice(0, 200);
  }
  return `${status} ${statusText}${detail ? `: ${detail}` : ''}`.replace(/\s*\n\s*/g, ' ');
}

export function exitCodeForStatus(status: number): (typeof EXIT)[keyof typeof EXIT] {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status >= 500) return EXIT.serverError;
  return EXIT.refused;
}

/** The REST API over fetch: every failure becomes a CliError with one line and its exit code. */
export class ApiClient {
  constructor(private readonly connection: Connection) {}

  get url(): string {
    return this.connection.url;
  }

  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const search = new URLSearchParams(
      Object.entries(query)
        .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
        .map(([key, value]): [string, string] => [key, String(value)]),
    ).toString();
    return this.request<T>('GET', search ? `${path}?${search}` : path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Server-Sent Events of `path`, one parsed event at a time, until the server closes the stream. */
  async *events(path: string): AsyncGenerator<{ event: string; data: string }> {
    const response = await this.send('GET', path, { headers: { accept: 'text/event-stream' } });
    const stream = response.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
    try {
      for await (const message of stream) yield { event: message.event ?? 'message', data: message.data };
    } catch (error) {
      throw new CliError(`lost the connection to ${this.connection.url}: ${describeNetworkError(error)}`, EXIT.unreachable);
    }
  }

  private async send(method: string, path: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.connection.url}${path}`, {
        ...init,
        method,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.connection.token}` },
      });
    } catch (error) {
      throw new CliError(
        `cannot reach OpSprint at ${this.connection.url}: ${describeNetworkError(error)} (is the service running? check --url or OPSPRINT_URL)`,
        EXIT.unreachable,
      );
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new CliError(
        `${method} ${path}: ${describeHttpError(response.status, response.statusText, text)}`,
        exitCodeForStatus(response.status),
      );
    }
    return response;
  }
}
