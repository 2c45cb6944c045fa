import type { ServerResponse } from 'node:http';
import { escapeHtml, htmlPage, safeHref } from '../html-view.js';
import type { JiraState, StoredIssue } from './jira-state.js';

/**
 * JIRA's issue page as a person opens it from a printed link: `/browse/KEY` (and `/browse/` for
 * every issue). Read-only and without a login, like a public project: it is a lab on loopback.
 */
const CATEGORY_COLOURS: Record<string, string> = { new: '#dfe1e6', indeterminate: '#deebff', done: '#abf5d1' };

function send(res: ServerResponse, status: number, html: string): void {
  const payload = Buffer.from(html);
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(payload.length) });
  res.end(payload);
}

function statusLozenge(state: JiraState, issue: StoredIssue): string {
  const category = state.workflow.statuses.find((s) => s.name === issue.status)?.category ?? 'new';
  return `<span class="lozenge" style="background:${CATEGORY_COLOURS[category] ?? CATEGORY_COLOURS.new}">${escapeHtml(issue.status.toUpperCase())}</span>`;
}

const issueLink = (issue: StoredIssue) => `<a href="/browse/${encodeURIComponent(issue.key)}">${escapeHtml(issue.key)}</a>`;

function link(url: string, text: string): string {
  const href = safeHref(url);
  return href ? `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>` : `${escapeHtml(text)} (${escapeHtml(url)})`;
}

function renderIssue(state: JiraState, issue: StoredIssue): string {
  const parent = issue.parentKey ? state.issues.get(issue.parentKey) : undefined;
  const children = [...state.issues.values()].filter((candidate) => candidate.parentKey === issue.key);
  const sprints = state.sprintsOf(issue.key);
  const facts: [string, string][] = [
    ['Type', escapeHtml(issue.issueType)],
    ['Status', statusLozenge(state, issue)],
    ['Labels', issue.labels.map(escapeHtml).join(', ') || 'None'],
    ['Sprint', sprints.map((s) => `${escapeHtml(s.name)} (${escapeHtml(s.state)})`).join(', ') || 'None'],
    ...(parent ? ([['Epic', `${issueLink(parent)} ${escapeHtml(parent.summary)}`]] as [string, string][]) : []),
    ['Created', escapeHtml(issue.created)],
    ['Updated', escapeHtml(issue.updated)],
  ];
  const sections = [
    `<nav><a href="/browse/">${escapeHtml(issue.projectKey)} issues</a>${parent ? ` / ${issueLink(parent)}` : ''} / ${escapeHtml(issue.key)}</nav>`,
    `<h1>${escapeHtml(issue.key)} ${escapeHtml(issue.summary)}</h1>`,
    `<table><tbody>${facts.map(([name, value]) => `<tr><th>${name}</th><td>${value}</td></tr>`).join('')}</tbody></table>`,
  ];
  if (issue.description) sections.push(`<h3>Description</h3><pre class="text">${escapeHtml(issue.description)}</pre>`);
  if (children.length) {
    sections.push(
      `<h3>Issues in this epic</h3><ul>${children.map((child) => `<li>${issueLink(child)} ${statusLozenge(state, child)} ${escapeHtml(child.summary)}</li>`).join('')}</ul>`,
    );
  }
  if (issue.links.length) {
    const items = issue.links.map((l) => {
      const other = state.issues.get(l.otherKey);
      return `<li>${escapeHtml(l.direction === 'outward' ? l.type.toLowerCase() : `is ${l.type.toLowerCase()} by`)} ${other ? `${issueLink(other)} ${escapeHtml(other.summary)}` : escapeHtml(l.otherKey)}</li>`;
    });
    sections.push(`<h3>Issue links</h3><ul>${items.join('')}</ul>`);
  }
  if (issue.remoteLinks.length) {
    const items = issue.remoteLinks.map((remote) => {
      const application = typeof remote.application?.name === 'string' ? `${escapeHtml(remote.application.name)}: ` : '';
      const summary = typeof remote.object.summary === 'string' && remote.object.summary ? ` — ${escapeHtml(remote.object.summary)}` : '';
      return `<li>${escapeHtml(remote.relationship ?? 'links to')} ${application}${link(remote.object.url, remote.object.title)}${summary}</li>`;
    });
    sections.push(`<h3>Links</h3><ul class="remote-links">${items.join('')}</ul>`);
  }
  if (issue.attachments.length)
    sections.push(`<h3>Attachments</h3><ul>${issue.attachments.map((a) => `<li>${escapeHtml(a.filename)}</li>`).join('')}</ul>`);
  sections.push(
    `<h3>Comments (${issue.comments.length})</h3>${issue.comments
      .map(
        (c) =>
          `<div class="comment"><strong>${escapeHtml(c.author.displayName)}</strong> <small>${escapeHtml(c.created)}</small><pre class="text">${escapeHtml(c.body)}</pre></div>`,
      )
      .join('')}`,
  );
  return htmlPage(`[${issue.key}] ${issue.summary}`, sections.join(''));
}

function renderIndex(state: JiraState): string {
  const rows = [...state.issues.values()]
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((issue) => {
      const parent = issue.parentKey ? state.issues.get(issue.parentKey) : undefined;
      return `<tr><td>${issueLink(issue)}</td><td>${escapeHtml(issue.issueType)}</td><td>${statusLozenge(state, issue)}</td><td>${escapeHtml(issue.summary)}</td><td>${parent ? issueLink(parent) : ''}</td></tr>`;
    });
  const table = rows.length
    ? `<table><thead><tr><th>Key</th><th>Type</th><th>Status</th><th>Summary</th><th>Epic</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    : '<p>No issues yet.</p>';
  return htmlPage('JIRA sandbox issues', `<h1>JIRA sandbox issues</h1>${table}`);
}

/** Answers GET /browse/ and /browse/KEY; false for any other request. */
export function handleBrowse(state: JiraState, method: string, path: string, res: ServerResponse): boolean {
  if (method !== 'GET') return false;
  if (/^\/browse\/?$/.test(path)) {
    send(res, 200, renderIndex(state));
    return true;
  }
  const match = /^\/browse\/([^/]+)$/.exec(path);
  if (!match) return false;
  const issue = state.issues.get(decodeURIComponent(match[1]).toUpperCase());
  if (!issue) send(res, 404, htmlPage('Issue not found', `<h1>Issue does not exist</h1><p><a href="/browse/">All issues</a></p>`));
  else send(res, 200, renderIssue(state, issue));
  return true;
}
