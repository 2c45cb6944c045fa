import { BadRequest, parseJsonBody } from '../http.js';
import type { StoredSprint } from './jira-state.js';
import { route, type RouteContext } from './route.js';
import { issueBean } from './issue-view.js';
import { updateSprint } from './sprint-update.js';

/** JIRA Software Agile 1.0: boards, sprints, sprint issues. */
function sprintBean(ctx: RouteContext, sprint: StoredSprint) {
  return {
    id: sprint.id,
    self: `${ctx.baseUrl}/rest/agile/1.0/sprint/${sprint.id}`,
    state: sprint.state,
    name: sprint.name,
    originBoardId: sprint.originBoardId,
    ...(sprint.startDate ? { startDate: sprint.startDate } : {}),
    ...(sprint.endDate ? { endDate: sprint.endDate } : {}),
    ...(sprint.completeDate ? { completeDate: sprint.completeDate } : {}),
    ...(sprint.goal ? { goal: sprint.goal } : {}),
  };
}

function page<T>(ctx: RouteContext, values: T[]) {
  const startAt = Number(ctx.url.searchParams.get('startAt') ?? 0) || 0;
  const maxResults = Number(ctx.url.searchParams.get('maxResults') ?? 50) || 50;
  const slice = values.slice(startAt, startAt + maxResults);
  return { maxResults, startAt, total: values.length, isLast: startAt + slice.length >= values.length, values: slice };
}

function requireSprint(ctx: RouteContext, id: string): StoredSprint {
  const sprint = ctx.state.sprints.find((s) => s.id === Number(id));
  if (!sprint) throw new BadRequest([`Sprint with id ${id} does not exist or you do not have permission to see it.`], {}, 404);
  return sprint;
}

export const agileRoutes = [
  route('GET', /^\/rest\/agile\/1\.0\/board$/, (ctx) => {
    const project = ctx.url.searchParams.get('projectKeyOrId');
    const boards = ctx.state.boards.filter((b) => !project || b.projectKey === project);
    return {
      status: 200,
      body: page(
        ctx,
        boards.map((b) => ({
          id: b.id,
          self: `${ctx.baseUrl}/rest/agile/1.0/board/${b.id}`,
          name: b.name,
          type: b.type,
          location: { projectKey: b.projectKey, displayName: b.projectKey },
        })),
      ),
    };
  }),
  route('GET', /^\/rest\/agile\/1\.0\/board\/(\d+)\/sprint$/, (ctx, [boardId]) => {
    if (!ctx.state.boards.some((b) => b.id === Number(boardId)))
      throw new BadRequest(
        [`The requested board cannot be viewed because it either does not exist or you do not have permission to view it.`],
        {},
        404,
      );
    const states = ctx.url.searchParams.get('state')?.split(',').filter(Boolean);
    const sprints = ctx.state.sprints.filter((s) => s.originBoardId === Number(boardId) && (!states?.length || states.includes(s.state)));
    return {
      status: 200,
      body: page(
        ctx,
        sprints.map((s) => sprintBean(ctx, s)),
      ),
    };
  }),
  route('POST', /^\/rest\/agile\/1\.0\/sprint$/, (ctx) => {
    const input = parseJsonBody(ctx.body) as {
      name?: unknown;
      originBoardId?: unknown;
      startDate?: string;
      endDate?: string;
      goal?: string;
    };
    const errors: Record<string, string> = {};
    if (typeof input.name !== 'string' || !input.name.trim()) errors.name = 'Sprint name is required.';
    else if (input.name.length > 30) errors.name = 'Sprint name must not exceed 30 characters.';
    if (!ctx.state.boards.some((b) => b.id === Number(input.originBoardId))) errors.originBoardId = 'Board does not exist.';
    if (Object.keys(errors).length) throw new BadRequest([], errors);
    const sprint: StoredSprint = {
      id: ctx.state.sprints.length + 1,
      name: input.name as string,
      state: 'future',
      originBoardId: Number(input.originBoardId),
      startDate: input.startDate,
      endDate: input.endDate,
      goal: input.goal,
      issueKeys: [],
    };
    ctx.state.sprints.push(sprint);
    return { status: 201, body: sprintBean(ctx, sprint) };
  }),
  route('GET', /^\/rest\/agile\/1\.0\/sprint\/(\d+)$/, (ctx, [id]) => ({ status: 200, body: sprintBean(ctx, requireSprint(ctx, id)) })),
  // Partial update: how a sprint is started (state active) and completed (state closed).
  route('POST', /^\/rest\/agile\/1\.0\/sprint\/(\d+)$/, (ctx, [id]) => {
    const sprint = requireSprint(ctx, id);
    updateSprint(sprint, parseJsonBody(ctx.body));
    return { status: 200, body: sprintBean(ctx, sprint) };
  }),
  route('POST', /^\/rest\/agile\/1\.0\/sprint\/(\d+)\/issue$/, (ctx, [id]) => {
    const sprint = requireSprint(ctx, id);
    if (sprint.state === 'closed') throw new BadRequest(['Issues can only be moved to open or active sprints.']);
    const issues = parseJsonBody(ctx.body).issues;
    if (!Array.isArray(issues) || issues.length === 0 || issues.length > 50)
      throw new BadRequest(['issues must list 1 to 50 issue keys or ids.']);
    const keys = issues.map((k) => ctx.state.require(String(k)).key);
    // An issue is in at most one open sprint; the closed sprints it was in keep it (their history).
    for (const other of ctx.state.sprints) if (other.state !== 'closed') other.issueKeys = other.issueKeys.filter((k) => !keys.includes(k));
    sprint.issueKeys.push(...keys);
    return { status: 204 };
  }),
  route('GET', /^\/rest\/agile\/1\.0\/sprint\/(\d+)\/issue$/, (ctx, [id]) => {
    const sprint = requireSprint(ctx, id);
    const startAt = Number(ctx.url.searchParams.get('startAt') ?? 0) || 0;
    const maxResults = Math.min(Number(ctx.url.searchParams.get('maxResults') ?? 50) || 50, 50);
    const fields = ctx.url.searchParams.get('fields')?.split(',').filter(Boolean) ?? ['summary', 'status', 'labels', 'issuetype'];
    const issues = sprint.issueKeys
      .slice(startAt, startAt + maxResults)
      .map((k) => issueBean(ctx.state, ctx.state.require(k), ctx.baseUrl, ctx.cloud, fields));
    return { status: 200, body: { expand: 'schema,names', startAt, maxResults, total: sprint.issueKeys.length, issues } };
  }),
];
