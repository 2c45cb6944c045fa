import { sendJson } from './http-io.js';
import { parseMultipart } from './multipart.js';
import type { Route, RouteContext } from './route-context.js';
import { SandboxError, badRequest } from './sandbox-error.js';

/** Confluence refuses multipart posts without the XSRF opt-out header. */
function requireNoCheck(ctx: RouteContext): void {
  const token = String(ctx.req.headers['x-atlassian-token'] ?? '').toLowerCase();
  if (token !== 'nocheck' && token !== 'no-check') throw new SandboxError(403, 'XSRF check failed');
}

function uploadedFile(ctx: RouteContext) {
  const file = parseMultipart(ctx.req.headers['content-type'], ctx.body).find((part) => part.field === 'file');
  if (!file) throw badRequest('No file part named "file" in the upload');
  return file;
}

export const attachmentRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/wiki\/rest\/api\/content\/(\d+)\/child\/attachment$/,
    handle(ctx, [id]) {
      const page = ctx.store.page(id!);
      const results = page.attachmentIds.map((attachmentId) => ctx.json.attachment(ctx.store.attachments.get(attachmentId)!));
      sendJson(ctx.res, 200, ctx.json.array(results, ctx.url.href, 0, 50));
    },
  },
  {
    method: 'POST',
    pattern: /^\/wiki\/rest\/api\/content\/(\d+)\/child\/attachment$/,
    handle(ctx, [id]) {
      requireNoCheck(ctx);
      const file = uploadedFile(ctx);
      const attachment = ctx.store.addAttachment(id!, file, ctx.user);
      sendJson(ctx.res, 200, ctx.json.array([ctx.json.attachment(attachment)], ctx.url.href, 0, 50));
    },
  },
  {
    method: 'POST',
    pattern: /^\/wiki\/rest\/api\/content\/(\d+)\/child\/attachment\/(att\d+)\/data$/,
    handle(ctx, [id, attachmentId]) {
      requireNoCheck(ctx);
      const file = uploadedFile(ctx);
      const attachment = ctx.store.updateAttachment(id!, attachmentId!, file, ctx.user);
      sendJson(ctx.res, 200, ctx.json.attachment(attachment));
    },
  },
  {
    method: 'GET',
    pattern: /^\/wiki\/download\/attachments\/(\d+)\/([^/]+)$/,
    handle(ctx, [id, encodedName]) {
      const name = decodeURIComponent(encodedName!);
      const page = ctx.store.page(id!);
      const attachment = page.attachmentIds
        .map((attachmentId) => ctx.store.attachments.get(attachmentId)!)
        .find((candidate) => candidate.title === name);
      if (!attachment) throw new SandboxError(404, `No attachment ${name} on page ${id}`);
      const data = attachment.versions[attachment.versions.length - 1]!.data;
      ctx.res.writeHead(200, { 'Content-Type': attachment.mediaType, 'Content-Length': String(data.length) });
      ctx.res.end(data);
    },
  },
];

export const spaceRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/wiki\/rest\/api\/space$/,
    handle(ctx) {
      const keys = ctx.url.searchParams.getAll('spaceKey');
      const spaces = [...ctx.store.spaces.values()].filter((space) => keys.length === 0 || keys.includes(space.key));
      const body = ctx.json.array(
        spaces.map((space) => ctx.json.space(space)),
        ctx.url.href,
      );
      sendJson(ctx.res, 200, body);
    },
  },
  {
    method: 'GET',
    pattern: /^\/wiki\/rest\/api\/space\/([^/]+)$/,
    handle(ctx, [key]) {
      sendJson(ctx.res, 200, ctx.json.space(ctx.store.space(decodeURIComponent(key!))));
    },
  },
];
