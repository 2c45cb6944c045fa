import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContentSerializer } from './serialize.js';
import type { ConfluenceStore, SandboxUser } from './store.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: Buffer;
  user: SandboxUser;
  store: ConfluenceStore;
  json: ContentSerializer;
}

export interface Route {
  method: string;
  pattern: RegExp;
  handle(ctx: RouteContext, params: string[]): void | Promise<void>;
}

export function expandOf(url: URL): Set<string> {
  return new Set(
    (url.searchParams.get('expand') ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );
}

export function pageWindow(url: URL): { start: number; limit: number } {
  const start = Math.max(0, Number(url.searchParams.get('start') ?? 0) || 0);
  const limit = Math.min(200, Math.max(1, Number(url.searchParams.get('limit') ?? 25) || 25));
  return { start, limit };
}
