import { parseStorage } from './storage-xml.js';
import { searchPages } from './cql.js';
import { parseJson, sendJson } from './http-io.js';
import { type Route, type RouteContext, expandOf, pageWindow } from './route-context.js';
import { SandboxError, badRequest } from './sandbox-error.js';
import { type StoredPage, latest } from './store.js';

interface ContentBodyJson {
  type?: unknown;
  title?: unknown;
  space?: { key?: unknown };
  ancestors?: Array<{ id?: unknown }>;
  body?: { storage?: { value?: unknown; representation?: unknown } };
  version?: { number?: unknown };
}

function storageValue(input: ContentBodyJson): string {
  const storage = input.body?.storage;
  if (typeof storage?.value !== 'string') throw badRequest('body.storage.value is required');
  if (storage.representation !== 'storage') throw badRequest(`Unsupported representation: ${String(storage.representation)}`);
  try {
    parseStorage(storage.value);
  } catch (error) {
    throw badRequest(`Error parsing xhtml: ${(error as Error).message}`);
  }
  return storage.value;
}

function listPages(ctx: RouteContext, pages: StoredPage[]): void {
  const { start, limit } = pageWindow(ctx.url);
  const expand = expandOf(ctx.url);
  const results = pages.slice(start, start + limit).map((page) => ctx.json.page(page, expand));
  sendJson(ctx.res, 200, { ...ctx.json.array(results, ctx.url.href, start, limit) });
}

export const contentRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/wiki\/rest\/api\/content$/,
    handle(ctx) {
      const spaceKey = ctx.url.searchParams.get('spaceKey');
      const title = ctx.url.searchParams.get('title');
      const type = ctx.url.searchParams.get('type') ?? 'page';
      if (type !== 'page') return listPages(ctx, []);
      const pages = [...ctx.store.pages.values()].filter(
        (page) => (!spaceKey || page.spaceKey === spaceKey) && (title === null || latest(page).title === title),
      );
      listPages(ctx, pages);
    },
  },
  {
    method: 'POST',
    pattern: /^\/wiki\/rest\/api\/content$/,
    handle(ctx) {
      const input = parseJson(ctx.body) as ContentBodyJson;
      if (input.type !== 'page') throw badRequest(`Unsupported content type: ${String(input.type)}`);
      if (typeof input.title !== 'string') throw badRequest('Title is required');
      if (typeof input.space?.key !== 'string') throw badRequest('Space key is required');
      const parentId = input.ancestors?.[0]?.id;
      const page = ctx.store.createPage({
        spaceKey: input.space.key,
        title: input.title,
        body: storageValue(input),
        parentId: parentId === undefined ? undefined : String(parentId),
        by: ctx.user,
      });
      sendJson(ctx.res, 200, ctx.json.page(page, new Set(['body.storage', 'version', 'space', 'ancestors'])));
    },
  },
  {
    method: 'GET',
    pattern: /^\/wiki\/rest\/api\/content\/search$/,
    handle(ctx) {
      const cql = ctx.url.searchParams.get('cql');
      if (!cql) throw badRequest('cql parameter is required');
      listPages(ctx, searchPages(ctx.store, cql));
    },
  },
  {
    method: 'GET',
    pattern: /^\/wiki\/rest\/api\/search$/,
    handle(ctx) {
      const cql = ctx.url.searchParams.get('cql');
      if (!cql) throw badRequest('cql parameter is required');
      const { start, limit } = pageWindow(ctx.url);
      const matches = searchPages(ctx.store, cql);
      const results = matches.slice(start, start + limit).map((page) => ctx.json.searchResult(page));
      sendJson(ctx.res, 200, {
        results,
        start,
        limit,
        size: results.length,
        totalSize: matches.length,
        cqlQuery: cql,
        searchDuration: 3,
        _links: { base: ctx.json.base, context: '/wiki', self: ctx.url.href },
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/wiki\/rest\/api\/content\/(\d+)$/,
    handle(ctx, [id]) {
      sendJson(ctx.res, 200, ctx.json.page(ctx.store.page(id!), expandOf(ctx.url)));
    },
  },
  {
    method: 'PUT',
    pattern: /^\/wiki\/rest\/api\/content\/(\d+)$/,
    handle(ctx, [id]) {
      const input = parseJson(ctx.body) as ContentBodyJson;
      const number = input.version?.number;
      if (typeof number !== 'number' || !Number.isInteger(number)) throw badRequest('version.number is required on update');
      if (typeof input.title !== 'string' || !input.title.trim()) throw badRequest('Title is required');
      if (input.type !== undefined && input.type !== 'page') throw new SandboxError(400, 'Changing the content type is not supported');
      const page = ctx.store.updatePage(id!, { title: input.title, body: storageValue(input), number, by: ctx.user });
      const expand = expandOf(ctx.url);
      sendJson(ctx.res, 200, ctx.json.page(page, new Set([...expand, 'version', 'space'])));
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/wiki\/rest\/api\/content\/(\d+)$/,
    handle(ctx, [id]) {
      ctx.store.deletePage(id!);
      ctx.res.writeHead(204).end();
    },
  },
  {
    method: 'GET',
    pattern: /^\/wiki\/rest\/api\/content\/(\d+)\/child\/page$/,
    handle(ctx, [id]) {
      listPages(ctx, ctx.store.children(ctx.store.page(id!).id));
    },
  },
  {
    method: 'GET',
    pattern: /^\/wiki\/rest\/api\/content\/(\d+)\/label$/,
    handle(ctx, [id]) {
      sendJson(ctx.res, 200, ctx.json.labels(ctx.store.page(id!)));
    },
  },
  {
    method: 'POST',
    pattern: /^\/wiki\/rest\/api\/content\/(\d+)\/label$/,
    handle(ctx, [id]) {
      const input: unknown = JSON.parse(ctx.body.toString('utf8') || 'null');
      const list = Array.isArray(input) ? input : [input];
      const names = list.map((label) => (label as { name?: unknown } | null)?.name);
      if (names.some((name) => typeof name !== 'string' || !name)) throw badRequest('Each label needs a name');
      ctx.store.addLabels(id!, names as string[]);
      sendJson(ctx.res, 200, ctx.json.labels(ctx.store.page(id!)));
    },
  },
];
