import { createHash, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachmentRoutes, spaceRoutes } from './attachment-routes.js';
import { contentRoutes } from './content-routes.js';
import { ConfluenceFaults, type FaultRule } from './faults.js';
import { basicCredentials, readBody, sendError } from './http-io.js';
import type { Route, RouteContext } from './route-context.js';
import { SandboxError } from './sandbox-error.js';
import { ContentSerializer } from './serialize.js';
import { ConfluenceStore, type SandboxUser, latest } from './store.js';
import { viewRoutes } from './view/view-routes.js';

export { ConfluenceFaults, type FaultRule } from './faults.js';
export { ConfluenceStore } from './store.js';

export interface ConfluenceSandboxOptions {
  /** Cloud: e-mail + API token. accountId/displayName let a user look the same as in the JIRA sandbox. */
  users: Array<{ username: string; password: string; accountId?: string; displayName?: string }>;
  /** Space keys created at start, each with a home page. Default: OPS. */
  spaces?: string[];
  faults?: FaultRule[];
}

export interface SandboxPage {
  id: string;
  spaceKey: string;
  parentId?: string;
  title: string;
  version: number;
  body: string;
  labels: string[];
  attachments: string[];
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
}

export interface ConfluenceSandbox {
  /** True when the request was Confluence's (/wiki/rest/api/, the page views, /wiki/download/) and has been answered. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<boolean>;
  pages(): SandboxPage[];
  spaceHomePageId(spaceKey: string): string;
  faults: ConfluenceFaults;
  requests: RequestRecord[];
  store: ConfluenceStore;
}

const ROUTES: Route[] = [...contentRoutes, ...attachmentRoutes, ...spaceRoutes, ...viewRoutes];
const HANDLED = /^\/wiki\/(rest\/api\/|view(\/|$)|download\/|pages\/viewpage\.action$|spaces\/)/;
/** The read-only HTML views and attachment downloads open without a login: printed links must just work. */
const PUBLIC_VIEW = /^\/wiki\/(view(\/|$)|download\/|pages\/viewpage\.action$|spaces\/)/;
const VISITOR: SandboxUser = { username: 'anonymous', accountId: '557058:anonymous', displayName: 'Anonymous' };
const PAGE_UPDATE = /^\/wiki\/rest\/api\/content\/(\d+)$/;

const sameSecret = (a: string, b: string): boolean => {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
};

function toUser(user: { username: string; accountId?: string; displayName?: string }): SandboxUser {
  const accountId = user.accountId ?? `557058:${createHash('sha256').update(user.username).digest('hex').slice(0, 24)}`;
  return { username: user.username, accountId, displayName: user.displayName ?? user.username.split('@')[0] ?? user.username };
}

export function createConfluenceSandbox(options: ConfluenceSandboxOptions): ConfluenceSandbox {
  const store = new ConfluenceStore();
  const faults = new ConfluenceFaults(options.faults);
  const requests: RequestRecord[] = [];
  const someoneElse: SandboxUser = { username: 'colleague@example.com', accountId: '557058:someone-else', displayName: 'A colleague' };
  const owner = toUser(options.users[0] ?? { username: 'admin@example.com' });
  for (const key of options.spaces ?? ['OPS']) store.addSpace(key, owner);

  function authenticate(req: IncomingMessage): SandboxUser {
    const credentials = basicCredentials(req);
    const known =
      credentials &&
      options.users.find((user) => user.username === credentials.username && sameSecret(user.password, credentials.password));
    if (!known) {
      throw new SandboxError(401, 'Client must be authenticated to access this resource.', {
        'WWW-Authenticate': 'Basic realm="Confluence sandbox"',
      });
    }
    return toUser(known);
  }

  function injectFault(method: string, path: string): void {
    const fault = faults.take(method, path);
    if (!fault) return;
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
    if (fault.status === 429) Object.assign(headers, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-NearLimit': 'true' });
    const update = PAGE_UPDATE.exec(path);
    if (fault.status === 409 && method === 'PUT' && update) {
      const page = store.page(update[1]!);
      if (fault.foreignEdit !== undefined) {
        store.updatePage(page.id, { title: latest(page).title, body: fault.foreignEdit, number: latest(page).number + 1, by: someoneElse });
      }
      throw new SandboxError(409, `Version must be incremented on update. Current version is: ${latest(page).number}`);
    }
    const message =
      fault.status === 429
        ? 'Rate limit exceeded.'
        : 'The server encountered an unexpected condition which prevented it from fulfilling the request.';
    throw new SandboxError(fault.status, message, headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<boolean> {
    if (!HANDLED.test(url.pathname)) return false;
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      const user = method === 'GET' && PUBLIC_VIEW.test(url.pathname) ? VISITOR : authenticate(req);
      if (url.pathname.startsWith('/wiki/rest/api/')) injectFault(method, url.pathname);
      const match = ROUTES.map((route) => ({ route, params: route.method === method ? route.pattern.exec(url.pathname) : null })).find(
        (m) => m.params,
      );
      if (!match) throw new SandboxError(404, `No resource at ${method} ${url.pathname}`);
      const ctx: RouteContext = { req, res, url, body, user, store, json: new ContentSerializer(store, `${url.origin}/wiki`) };
      await match.route.handle(ctx, match.params!.slice(1));
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      sendError(res, error);
    }
    requests.push({ method, path: url.pathname, status: res.statusCode });
    // A long-running demo sandbox must not grow without bound; tests look at recent requests only.
    if (requests.length > 10_000) requests.splice(0, requests.length - 5_000);
    return true;
  }

  return {
    handle,
    faults,
    requests,
    store,
    spaceHomePageId: (key) => store.space(key).homepageId,
    pages: () =>
      [...store.pages.values()].map((page) => ({
        id: page.id,
        spaceKey: page.spaceKey,
        parentId: page.parentId,
        title: latest(page).title,
        version: latest(page).number,
        body: latest(page).body,
        labels: [...page.labels],
        attachments: page.attachmentIds.map((id) => store.attachments.get(id)!.title),
      })),
  };
}

export interface RunningConfluenceSandbox extends ConfluenceSandbox {
  /** http://127.0.0.1:<port>/wiki — the base URL a client is configured with. */
  baseUrl: string;
  port: number;
  close(): Promise<void>;
}

/** A standalone HTTP server around the sandbox (the combined Atlassian server lives in ../server.ts). */
export async function startConfluenceSandbox(
  options: Partial<ConfluenceSandboxOptions> & { port?: number } = {},
): Promise<RunningConfluenceSandbox> {
  const sandbox = createConfluenceSandbox({
    users: options.users ?? [{ username: 'opsprint@example.com', password: 'sandbox-token' }],
    spaces: options.spaces,
    faults: options.faults,
  });
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      const body = await readBody(req);
      if (!(await sandbox.handle(req, res, url, body))) sendError(res, new SandboxError(404, `No resource at ${url.pathname}`));
    })().catch((error: unknown) => {
      if (!res.headersSent) sendError(res, new SandboxError(500, (error as Error).message));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    ...sandbox,
    port,
    baseUrl: `http://127.0.0.1:${port}/wiki`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
