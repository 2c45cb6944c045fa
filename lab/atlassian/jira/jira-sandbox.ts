import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, BadRequest, DEFAULT_USERS, parseJsonBody, sendError, sendJson, type SandboxUser } from '../http.js';
import { agileRoutes } from './agile-routes.js';
import { handleBrowse } from './browse-view.js';
import { JiraFaults, type FaultOptions } from './faults.js';
import { defaultCustomFields, type FieldDetails } from './fields.js';
import { JiraState } from './jira-state.js';
import { platformRoutes } from './platform-routes.js';
import { findRoute } from './route.js';
import { JiraWebhookDispatcher } from './webhook-dispatcher.js';
import { SCRUM_WORKFLOW, type Workflow } from './workflow.js';

export interface JiraSandboxOptions {
  baseUrl: () => string;
  users?: SandboxUser[];
  faults?: FaultOptions;
  /** Cloud (default) or Server/Data Center: search style, user shape, webhook headers. */
  deploymentType?: 'Cloud' | 'Server';
  workflow?: Workflow;
  /** Custom fields other than a fresh Scrum project's (e.g. none: an instance without story points). */
  customFields?: FieldDetails[];
}

const ROUTES = [...platformRoutes, ...agileRoutes];

/**
 * The JIRA half of the Atlassian sandbox. `handle` answers /rest/api/2, /rest/agile/1.0,
 * /browse (read-only HTML, no login) and /_sandbox/jira (webhook registration, unauthenticated,
 * lab only); false for anything else.
 */
export function createJiraSandbox(options: JiraSandboxOptions) {
  const cloud = (options.deploymentType ?? 'Cloud') === 'Cloud';
  const users = options.users ?? DEFAULT_USERS;
  const state = new JiraState(options.workflow ?? SCRUM_WORKFLOW, options.customFields ?? defaultCustomFields(cloud));
  const faults = new JiraFaults(options.faults);
  const webhooks = new JiraWebhookDispatcher(state, options.baseUrl, cloud);
  /** Every request to /rest as it arrived (body as text when it had one): tests count and inspect them. */
  const requests: { method: string; path: string; status: number; body?: string }[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<boolean> {
    const path = url.pathname;
    if (path === '/_sandbox/jira/webhooks' && req.method === 'POST') {
      try {
        const input = parseJsonBody(body) as { url?: unknown; secret?: unknown };
        if (typeof input.url !== 'string') throw new BadRequest([], { url: 'url is required' });
        webhooks.register({ url: input.url, secret: typeof input.secret === 'string' ? input.secret : undefined });
        sendJson(res, 201, { registered: input.url });
      } catch (error) {
        if (!(error instanceof BadRequest)) throw error;
        sendError(res, error.status, error.messages, error.errors);
      }
      return true;
    }
    if (handleBrowse(state, req.method ?? 'GET', path, res)) return true;
    if (!path.startsWith('/rest/api/2/') && !path.startsWith('/rest/agile/1.0/')) return false;
    const record = (status: number) =>
      requests.push({ method: req.method ?? 'GET', path, status, ...(body.length ? { body: body.toString('utf8') } : {}) });

    const user = authenticate(req, users);
    if (!user) {
      record(401);
      sendError(
        res,
        401,
        ['You are not authenticated. Authentication required to perform this operation.'],
        {},
        { 'WWW-Authenticate': 'Basic realm="protected-area"' },
      );
      return true;
    }
    const fault = faults.take();
    if (fault && 'delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
    else if (fault) {
      record(fault.status);
      const message = fault.status === 429 ? 'Rate limit exceeded.' : 'Internal server error';
      sendError(res, fault.status, [message], {}, fault.headers);
      return true;
    }

    const found = findRoute(ROUTES, req.method ?? 'GET', path);
    if (found === null || found === 'method') {
      record(found ? 405 : 404);
      sendError(res, found ? 405 : 404, [found ? 'Method Not Allowed' : `No resource at ${path}`]);
      return true;
    }
    try {
      const createsBefore = state.createdCount;
      const answer = found.route.handle({ req, url, body, user, state, baseUrl: options.baseUrl(), cloud }, found.params);
      if (state.createdCount > createsBefore && faults.dropAfterCreate()) {
        record(0);
        req.socket.destroy();
        return true;
      }
      record(answer.status);
      sendJson(res, answer.status, answer.body, answer.headers);
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      record(error.status);
      sendError(res, error.status, error.messages, error.errors);
    }
    return true;
  }

  return { handle, state, faults, webhooks, users, requests, cloud };
}

export type JiraSandbox = ReturnType<typeof createJiraSandbox>;
