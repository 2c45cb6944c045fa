import { BadRequest, parseJsonBody } from '../http.js';
import type { StoredRemoteLink } from './jira-state.js';
import { route, type RouteContext } from './route.js';

/** Remote issue links (REST v2): how an epic points at its Confluence page. */
const LINKS = /^\/rest\/api\/2\/issue\/([^/]+)\/remotelink$/;
const ONE_LINK = /^\/rest\/api\/2\/issue\/([^/]+)\/remotelink\/([^/]+)$/;

function linkSelf(ctx: RouteContext, key: string, link: StoredRemoteLink): string {
  return `${ctx.baseUrl}/rest/api/2/issue/${ctx.state.require(key).id}/remotelink/${link.id}`;
}

function linkBean(ctx: RouteContext, key: string, link: StoredRemoteLink) {
  return {
    id: link.id,
    self: linkSelf(ctx, key, link),
    ...(link.globalId ? { globalId: link.globalId } : {}),
    ...(link.application ? { application: link.application } : {}),
    ...(link.relationship ? { relationship: link.relationship } : {}),
    object: link.object,
  };
}

export const remoteLinkRoutes = [
  route('POST', LINKS, (ctx, [key]) => {
    const { link, created } = ctx.state.putRemoteLink(key, parseJsonBody(ctx.body));
    return { status: created ? 201 : 200, body: { id: link.id, self: linkSelf(ctx, key, link) } };
  }),
  // Every link of the issue, or with ?globalId= the one link with that id.
  route('GET', LINKS, (ctx, [key]) => {
    const links = ctx.state.require(key).remoteLinks;
    const globalId = ctx.url.searchParams.get('globalId');
    if (globalId === null) return { status: 200, body: links.map((link) => linkBean(ctx, key, link)) };
    const link = links.find((candidate) => candidate.globalId === globalId);
    if (!link) throw new BadRequest(['No remote link with the given global ID exists on this issue.'], {}, 404);
    return { status: 200, body: linkBean(ctx, key, link) };
  }),
  route('GET', ONE_LINK, (ctx, [key, id]) => ({ status: 200, body: linkBean(ctx, key, ctx.state.requireRemoteLink(key, id)) })),
  route('PUT', ONE_LINK, (ctx, [key, id]) => {
    ctx.state.replaceRemoteLink(key, id, parseJsonBody(ctx.body));
    return { status: 204 };
  }),
  route('DELETE', ONE_LINK, (ctx, [key, id]) => {
    ctx.state.deleteRemoteLink(key, id);
    return { status: 204 };
  }),
];
