import { DEFAULT_USERS } from '../../lab/atlassian/http.js';
import type { AtlassianSandbox } from '../../lab/atlassian/server.js';

/**
 * What a person (or the JIRA UI) does on the sandbox's JIRA: a plain REST call as its default
 * user, not through our client. The parsed answer; an answer of 300 or more throws with its body.
 */
export async function jiraAsPerson(sandbox: AtlassianSandbox, method: string, path: string, body?: unknown): Promise<any> {
  const user = DEFAULT_USERS[0];
  const answer = await fetch(`${sandbox.jiraBaseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Basic ${Buffer.from(`${user.email}:${user.apiToken}`).toString('base64')}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await answer.text();
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
