import { BadRequest, parseJsonBody } from '../http.js';
import { issueBean, matchJql } from './issue-view.js';
import { parseJql, JqlError } from './jql.js';
import { availableTransitions, statusBean } from './workflow.js';
import { parseMultipartFiles } from './multipart.js';
import { fieldCatalog } from './fields.js';
import { remoteLinkRoutes } from './remote-link-routes.js';
import { route, type RouteContext, type RouteAnswer } from './route.js';

/** JIRA platform REST v2: issues, transitions, comments, links, search, attachments, server info. */
const API = '/rest/api/2';

function created(ctx: RouteContext, issue: { id: string; key: string }) {
  return { id: issue.id, key: issue.key, self: `${ctx.baseUrl}${API}/issue/${issue.id}` };
}

function search(
  ctx: RouteContext,
  input: { jql?: unknown; fields?: unknown; startAt?: unknown; maxResults?: unknown; nextPageToken?: unknown },
  style: 'jql' | 'classic',
): RouteAnswer {
  if (typeof input.jql !== 'string') throw new BadRequest(['The JQL query is required.']);
  let matched;
  try {
    matched = matchJql(ctx.state, parseJql(input.jql));
  } catch (error) {
    if (error instanceof JqlError) throw new BadRequest([error.message]);
    throw error;
  }
  const fields = Array.isArray(input.fields)
    ? (input.fields as string[])
    : typeof input.fields === 'string'
      ? input.fields.split(',')
      : style === 'jql'
        ? ['id']
        : ['*all'];
  const maxResults = Math.min(Number(input.maxResults ?? 50) || 50, 100);
  const startAt =
    style === 'jql' ? Number(Buffer.from(String(input.nextPageToken ?? ''), 'base64url').toString() || 0) : Number(input.startAt ?? 0);
  const page = matched.slice(startAt, startAt + maxResults).map((issue) => issueBean(ctx.state, issue, ctx.baseUrl, ctx.cloud, fields));
  const next = startAt + page.length;
  if (style === 'jql') {
    const isLast = next >= matched.length;
    return {
      status: 200,
      body: { issues: page, isLast, ...(isLast ? {} : { nextPageToken: Buffer.from(String(next)).toString('base64url') }) },
    };
  }
  return { status: 200, body: { expand: 'schema,names', startAt, maxResults, total: matched.length, issues: page } };
}

function searchArguments(ctx: RouteContext) {
  if (ctx.req.method === 'POST') return parseJsonBody(ctx.body);
  return Object.fromEntries(ctx.url.searchParams.entries());
}

export const platformRoutes = [
  route('GET', /^\/rest\/api\/2\/serverInfo$/, (ctx) => ({
    status: 200,
    body: {
      baseUrl: ctx.baseUrl,
      version: ctx.cloud ? '1001.0.0-SNAPSHOT' : '9.12.2',
      versionNumbers: ctx.cloud ? [1001, 0, 0] : [9, 12, 2],
      deploymentType: ctx.cloud ? 'Cloud' : 'Server',
      buildNumber: 100255,
      buildDate: '2026-11-01T00:00:00.000+0000',
      serverTime: new Date().toISOString(),
      scmInfo: 'sandbox',
      serverTitle: 'OpSprint JIRA sandbox',
    },
  })),
  route('GET', /^\/rest\/api\/2\/field$/, (ctx) => ({ status: 200, body: fieldCatalog(ctx.state.customFields) })),
  route('POST', /^\/rest\/api\/2\/issue$/, (ctx) => {
    const fields = parseJsonBody(ctx.body).fields;
    if (!fields || typeof fields !== 'object')
      throw new BadRequest([], {
        summary: 'You must specify a summary of the issue.',
        issuetype: 'valid issue type is required',
        project: 'valid project is required',
      });
    return { status: 201, body: created(ctx, ctx.state.createIssue(fields as Record<string, unknown>)) };
  }),
  route('POST', /^\/rest\/api\/2\/issue\/bulk$/, (ctx) => {
    const updates = parseJsonBody(ctx.body).issueUpdates;
    if (!Array.isArray(updates)) throw new BadRequest(['issueUpdates is required']);
    const issues: unknown[] = [];
    const errors: unknown[] = [];
    updates.forEach((update: { fields?: Record<string, unknown> }, index) => {
      try {
        issues.push(created(ctx, ctx.state.createIssue(update?.fields ?? {})));
      } catch (error) {
        if (!(error instanceof BadRequest)) throw error;
        errors.push({
          status: error.status,
          elementErrors: { errorMessages: error.messages, errors: error.errors },
          failedElementNumber: index,
        });
      }
    });
    return { status: issues.length ? 201 : 400, body: { issues, errors } };
  }),
  route('GET', /^\/rest\/api\/2\/issue\/([^/]+)$/, (ctx, [key]) => {
    const fields = ctx.url.searchParams.get('fields')?.split(',');
    return { status: 200, body: issueBean(ctx.state, ctx.state.require(key), ctx.baseUrl, ctx.cloud, fields) };
  }),
  route('PUT', /^\/rest\/api\/2\/issue\/([^/]+)$/, (ctx, [key]) => {
    const fields = parseJsonBody(ctx.body).fields;
    ctx.state.updateIssue(key, (fields ?? {}) as Record<string, unknown>);
    return { status: 204 };
  }),
  route('GET', /^\/rest\/api\/2\/issue\/([^/]+)\/transitions$/, (ctx, [key]) => {
    const issue = ctx.state.require(key);
    const transitions = availableTransitions(ctx.state.workflow, issue.status).map((t) => ({
      id: t.id,
      name: t.name,
      to: statusBean(ctx.state.workflow, t.to, ctx.baseUrl),
      hasScreen: false,
      isGlobal: t.from === '*',
      isInitial: false,
      isAvailable: true,
      isConditional: false,
      isLooped: false,
      fields: {},
    }));
    return { status: 200, body: { expand: 'transitions', transitions } };
  }),
  route('POST', /^\/rest\/api\/2\/issue\/([^/]+)\/transitions$/, (ctx, [key]) => {
    const transition = parseJsonBody(ctx.body).transition as { id?: unknown } | undefined;
    if (!transition || typeof transition.id !== 'string') throw new BadRequest(["Missing 'transition' identifier"]);
    ctx.state.transition(key, transition.id, ctx.user);
    return { status: 204 };
  }),
  route('POST', /^\/rest\/api\/2\/issue\/([^/]+)\/comment$/, (ctx, [key]) => {
    const comment = ctx.state.addComment(key, parseJsonBody(ctx.body).body, ctx.user);
    const issue = ctx.state.require(key);
    return {
      status: 201,
      body: {
        self: `${ctx.baseUrl}${API}/issue/${issue.id}/comment/${comment.id}`,
        id: comment.id,
        body: comment.body,
        created: comment.created,
        updated: comment.created,
      },
    };
  }),
  route('POST', /^\/rest\/api\/2\/issueLink$/, (ctx) => {
    const link = parseJsonBody(ctx.body) as { type?: { name?: string }; inwardIssue?: { key?: string }; outwardIssue?: { key?: string } };
    if (!link.type?.name) throw new BadRequest([], { issueLinkType: "No issue link type with name 'undefined' found." });
    ctx.state.link(link.type.name, link.inwardIssue?.key ?? '', link.outwardIssue?.key ?? '');
    return { status: 201 };
  }),
  route('POST', /^\/rest\/api\/2\/issue\/([^/]+)\/attachments$/, (ctx, [key]) => {
    const token = String(ctx.req.headers['x-atlassian-token'] ?? '').toLowerCase();
    if (token !== 'no-check' && token !== 'nocheck') throw new BadRequest(['XSRF check failed'], {}, 403);
    const issue = ctx.state.require(key);
    const files = parseMultipartFiles(String(ctx.req.headers['content-type'] ?? ''), ctx.body).filter((f) => f.field === 'file');
    if (!files.length) throw new BadRequest(['No file was attached under the field "file".']);
    const stored = files.map((f) => ({ id: ctx.state.newId(), filename: f.filename, size: f.content.length, mimeType: f.contentType }));
    issue.attachments.push(...stored);
    return { status: 200, body: stored.map((a) => ({ ...a, self: `${ctx.baseUrl}${API}/attachment/${a.id}` })) };
  }),
  ...remoteLinkRoutes,
  route('POST', /^\/rest\/api\/2\/search\/jql$/, (ctx) => search(ctx, searchArguments(ctx), 'jql')),
  route('GET', /^\/rest\/api\/2\/search\/jql$/, (ctx) => search(ctx, searchArguments(ctx), 'jql')),
  // Cloud retired the classic search (410 Gone); Data Center keeps it.
  ...['GET', 'POST'].map((method) =>
    route(method, /^\/rest\/api\/2\/search$/, (ctx) =>
      ctx.cloud
        ? {
            status: 410,
            body: { errorMessages: ['The requested API has been removed. Please migrate to the /rest/api/2/search/jql API.'], errors: {} },
          }
        : search(ctx, searchArguments(ctx), 'classic'),
    ),
  ),
];
