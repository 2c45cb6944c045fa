import { formatTimestamp } from '../common/format-timestamp.js';
import { type Content, deploymentRef, h, jiraIssue, link, p, render, table, text } from '../integrations/confluence/storage/index.js';
import { deploymentRef as wikiDeploymentRef, escapeWiki } from '../integrations/jira/wiki-markup.js';
import type { DailyDigest, Links } from '../reports/index.js';

const when = formatTimestamp;

/** The "Daily scrum" page body (Confluence storage format): done since yesterday, running, blocked, each with its links. */
/** `deploymentUrl`: a deployment's dashboard page (under PUBLIC_URL), when there is one. */
export type DeploymentUrl = (deploymentId: string) => string | undefined;

export function dailyScrumPage(digest: DailyDigest, jiraBaseUrl?: string, deploymentUrl?: DeploymentUrl): string {
  const issue = (key: string | null) => (key ? jiraIssue(key, jiraBaseUrl) : text('—'));
  const page = (links: Links) => (links.confluencePage ? link(links.confluencePage.url, `v${links.confluencePage.version}`) : text('—'));
  const deployment = (links: Links) =>
    links.deploymentId ? deploymentRef(links.deploymentId, deploymentUrl?.(links.deploymentId)) : text('—');
  // Each list: its heading with the count, then its table, or a line saying it is empty.
  const section = <T>(title: string, empty: string, items: T[], headers: string[], row: (item: T) => Content[]) => [
    h(3, text(`${title} (${items.length})`)),
    items.length === 0 ? p(text(`Nothing ${empty}.`)) : table(headers, items.map(row)),
  ];
  return render([
    h(2, text(`Daily scrum — ${digest.sprint.name}`)),
    p(text(`From ${when(digest.since)} to ${when(digest.at)}.${digest.sprint.goal ? ` Sprint goal: ${digest.sprint.goal}` : ''}`)),
    ...section(
      'Done since yesterday',
      'done since yesterday',
      digest.done,
      ['Story', 'Epic', 'Title', 'Done at', 'Deployment', 'Phase page'],
      (s) => [issue(s.issueKey), issue(s.epicKey), text(s.title), text(when(s.doneAt)), deployment(s.links), page(s.links)],
    ),
    ...section(
      'Running',
      'running',
      digest.running,
      ['Deployment', 'Environment', 'Status', 'Phases done', 'Running phases', 'Asked by'],
      (d) => [
        deploymentRef(d.deploymentId, deploymentUrl?.(d.deploymentId)),
        text(d.environment),
        text(`${d.status}${d.dryRun ? ' (check mode)' : ''}`),
        text(`${d.phasesDone}/${d.phasesTotal}`),
        text(d.runningPhases.map((r) => r.phaseKey).join(', ') || '—'),
        text(d.requester),
      ],
    ),
    ...section('Blocked', 'blocked', digest.blocked, ['Story', 'Epic', 'Title', 'Since', 'Failed step', 'Deployment'], (b) => [
      issue(b.issueKey),
      issue(b.epicKey),
      text(b.title),
      text(when(b.blockedSince)),
      text(
        b.lastFailure
          ? `${b.lastFailure.stepTitle} on ${b.lastFailure.node} (exit ${b.lastFailure.exitCode ?? 'none'})${b.lastFailure.firstErrorLine ? `: ${b.lastFailure.firstErrorLine}` : ''}`
          : '—',
      ),
      deployment(b.links),
    ]),
  ]);
}

/** The comment on each epic of the sprint (JIRA wiki markup): the same three lists, with a link to the page. */
export function dailyScrumComment(digest: DailyDigest, pageUrl: string | null, deploymentUrl?: DeploymentUrl): string {
  const deployment = (id: string) => wikiDeploymentRef(id, deploymentUrl?.(id));
  const lines = [`*Daily scrum — ${escapeWiki(digest.sprint.name)}* (${when(digest.since)} to ${when(digest.at)})`];
  const section = (title: string, items: string[]) => {
    lines.push(`*${title}* (${items.length})`);
    lines.push(...(items.length === 0 ? ['* nothing'] : items.map((item) => `* ${item}`)));
  };
  section(
    'Done since yesterday',
    digest.done.map(
      (s) => `${s.issueKey} ${escapeWiki(s.title)}${s.links.deploymentId ? ` (deployment ${deployment(s.links.deploymentId)})` : ''}`,
    ),
  );
  section(
    'Running',
    digest.running.map(
      (d) =>
        `deployment ${deployment(d.deploymentId)} on ${escapeWiki(d.environment)}: ${d.status}${d.dryRun ? ' (check mode)' : ''}, ${d.phasesDone}/${d.phasesTotal} phases`,
    ),
  );
  section(
    'Blocked',
    digest.blocked.map(
      (b) =>
        `${b.issueKey} ${escapeWiki(b.title)}${b.lastFailure ? `: ${escapeWiki(b.lastFailure.stepTitle)} failed on ${escapeWiki(b.lastFailure.node)}` : ''}`,
    ),
  );
  if (pageUrl && /^https?:\/\/[^\s|\]]+$/.test(pageUrl)) lines.push(`[Daily scrum page|${pageUrl}]`);
  return lines.join('\n');
}
