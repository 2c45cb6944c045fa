import { formatTimestamp } from '../common/format-timestamp.js';
import { deploymentRef, h, jiraIssue, link, p, render, table, text } from '../integrations/confluence/storage/index.js';
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
  const nothing = (what: string) => p(text(`Nothing ${what}.`));
  return render([
    h(2, text(`Daily scrum — ${digest.sprint.name}`)),
    p(text(`From ${when(digest.since)} to ${when(digest.at)}.${digest.sprint.goal ? ` Sprint goal: ${digest.sprint.goal}` : ''}`)),
    h(3, text(`Done since yesterday (${digest.done.length})`)),
    digest.done.length === 0
      ? nothing('done since yesterday')
      : table(
          ['Story', 'Epic', 'Title', 'Done at', 'Deployment', 'Phase page'],
          digest.done.map((s) => [
            issue(s.issueKey),
            issue(s.epicKey),
            text(s.title),
            text(when(s.doneAt)),
            deployment(s.links),
            page(s.links),
          ]),
        ),
    h(3, text(`Running (${digest.running.length})`)),
    digest.running.length === 0
      ? nothing('running')
      : table(
          ['Deployment', 'Environment', 'Status', 'Phases done', 'Running phases', 'Asked by'],
          digest.running.map((d) => [
            deploymentRef(d.deploymentId, deploymentUrl?.(d.deploymentId)),
            text(d.environment),
            text(`${d.status}${d.dryRun ? ' (check mode)' : ''}`),
            text(`${d.phasesDone}/${d.phasesTotal}`),
            text(d.runningPhases.map((r) => r.phaseKey).join(', ') || '—'),
            text(d.requester),
          ]),
        ),
    h(3, text(`Blocked (${digest.blocked.length})`)),
    digest.blocked.length === 0
      ? nothing('blocked')
      : table(
          ['Story', 'Epic', 'Title', 'Since', 'Failed step', 'Deployment'],
          digest.blocked.map((b) => [
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
        ),
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
