import type { IncomingMessage } from 'node:http';
import type { SandboxUser } from '../http.js';
import type { JiraState } from './jira-state.js';

export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  body: Buffer;
  user: SandboxUser;
  state: JiraState;
  baseUrl: string;
  cloud: boolean;
}

export interface RouteAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  pattern: RegExp;
  handle(ctx: RouteContext, params: string[]): RouteAnswer;
}

export function route(method: string, pattern: RegExp, handle: Route['handle']): Route {
  return { method, pattern, handle };
}

export function findRoute(routes: Route[], method: string, pathname: string): { route: Route; params: string[] } | 'method' | null {
  let pathMatched = false;
  for (const candidate of routes) {
    const match = candidate.pattern.exec(pathname);
    if (!match) continue;
    pathMatched = true;
    if (candidate.method === method) return { route: candidate, params: match.slice(1).map(decodeURIComponent) };
  }
  return pathMatched ? 'method' : null;
}
