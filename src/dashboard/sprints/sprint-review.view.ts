import { NotFoundError } from '../../common/errors.js';
import {
  countingNote,
  formatDuration as formatReportDuration,
  type Links,
  renderBurndownSvg,
  renderPhaseTimelineSvg,
  type SprintReport,
  type StoryLine,
  type StoryTally,
  type Trend,
} from '../../reports/index.js';

/** A link as the page shows it; `href` is absent when there is nowhere to go (JIRA not configured). */
export interface LinkView {
  kind: 'jira' | 'confluence' | 'deployment';
  text: string;
  href?: string;
}

export interface SprintReviewViewOptions {
  /** Where a JIRA issue opens for a person, when JIRA is configured. */
  issueUrl: (key: string) => string | undefined;
  /** The deployment the phase timeline draws; the sprint's latest real one by default. */
  deploymentId?: string;
}

export interface Kpi {
  key: string;
  label: string;
  value: string;
  detail: string;
}

export interface TallyRow {
  label: string;
  committed: number | null;
  added: number | null;
  removed: number | null;
  final: number | null;
  done: number | null;
  committedDone: number | null;
  notDone: number | null;
}

/** Everything the sprint review page shows, ready to lay out: numbers formatted, links resolved, charts drawn. */
export type SprintReviewView = Awaited<ReturnType<typeof sprintReviewView>>;

export const deploymentHref = (id: string): string => `/dashboard/deployments/${encodeURIComponent(id)}`;

/** Only web addresses become links: a stored URL must not turn into `javascript:` on our page. */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The charts come from ECharts' server renderer: it escapes every text it draws (labels, the
 * sprint's name) and puts none of our data in attributes. This checks that it stays so before
 * the SVG goes into the page unescaped, and lets the chart scale to its box (the viewBox keeps
 * its proportions) instead of keeping its fixed pixel width.
 */
export function trustedChartSvg(svg: string): string {
  if (!svg.startsWith('<svg ') || !/\sviewBox="[\d. ]+"/.test(svg.slice(0, svg.indexOf('>')))) {
    throw new Error('chart SVG without a viewBox');
  }
  // Tags and attributes only: the text between tags is escaped by ECharts and may say anything.
  const markup = svg.replace(/>[^<]*</g, '><');
  if (/<script|<foreignObject|<!ENTITY|\son[a-z]+\s*=|javascript:/i.test(markup)) throw new Error('chart SVG with active content');
  const end = svg.indexOf('>');
  const open = svg
    .slice(0, end)
    .replace(/\swidth="\d+"/, ' width="100%"')
    .replace(/\sheight="\d+"/, '');
  return `${open} preserveAspectRatio="xMidYMid meet"${svg.slice(end)}`;
}

/** Durations read as on the Confluence review page ("2 h 05 min", "1 d 04 h"). */
export const formatDuration = (ms: number | null | undefined): string =>
  ms === null || ms === undefined || !Number.isFinite(ms) ? '—' : formatReportDuration(ms);
const percent = (ratio: number | null): string => (ratio === null ? '—' : `${Math.round(ratio * 1000) / 10} %`);
const trendText = (trend: Trend | null): string => {
  if (!trend) return '—';
  const sign = trend.changeMs > 0 ? '+' : trend.changeMs < 0 ? '−' : '±';
  const ratio = trend.changeRatio === null ? '' : ` (${sign}${Math.abs(Math.round(trend.changeRatio * 1000) / 10)} %)`;
  return `${formatDuration(trend.firstMs)} → ${formatDuration(trend.lastMs)}${ratio}`;
};
const pointsOf = (tally: StoryTally) => tally.storyPoints;

/** Two burndowns sit side by side at 1280 px; a smaller drawing keeps their text readable when scaled down. */
const BURNDOWN_ON_PAGE = { width: 640, height: 360 };

export async function sprintReviewView(report: SprintReport, options: SprintReviewViewOptions) {
  const linkViews = (links: Links): LinkView[] => {
    const out: LinkView[] = [];
    if (links.issueKey) out.push({ kind: 'jira', text: links.issueKey, href: options.issueUrl(links.issueKey) });
    if (links.epicKey && links.epicKey !== links.issueKey)
      out.push({ kind: 'jira', text: links.epicKey, href: options.issueUrl(links.epicKey) });
    if (links.confluencePage) {
      out.push({ kind: 'confluence', text: `page v${links.confluencePage.version}`, href: safeHref(links.confluencePage.url) });
    }
    if (links.deploymentId)
      out.push({ kind: 'deployment', text: `deployment ${links.deploymentId.slice(0, 8)}`, href: deploymentHref(links.deploymentId) });
    return out;
  };
  const issue = (key: string | null): LinkView | null => (key ? { kind: 'jira', text: key, href: options.issueUrl(key) } : null);

  const timeline =
    options.deploymentId === undefined
      ? (report.timelines[report.timelines.length - 1] ?? null)
      : (report.timelines.find((candidate) => candidate.deploymentId === options.deploymentId) ?? null);
  if (options.deploymentId !== undefined && timeline === null) {
    throw new NotFoundError(`deployment ${options.deploymentId} has no phase timeline in sprint ${report.sprint.id}`);
  }

  const { scope, epics, dora, recovery } = report;
  const storyRow = (label: string, pick: (tally: StoryTally) => number | null): TallyRow => ({
    label,
    committed: pick(scope.committed),
    added: pick(scope.added),
    removed: pick(scope.removed),
    final: pick(scope.final),
    done: pick(scope.done),
    committedDone: pick(scope.committedDone),
    notDone: pick(scope.notDone),
  });
  const scopeLabel = (story: StoryLine): string => {
    if (!story.inScope) return 'removed';
    if (story.committed) return 'committed';
    return 'added';
  };

  const kpis: Kpi[] = [
    {
      key: 'deployment-frequency',
      label: 'Deployment frequency',
      value: `${dora.deploymentFrequency.perDay} / day`,
      detail: `${dora.deploymentFrequency.successfulDeployments} successful in ${dora.deploymentFrequency.days} ${dora.deploymentFrequency.days === 1 ? 'day' : 'days'}`,
    },
    {
      key: 'lead-time',
      label: 'Lead time for changes',
      value: formatDuration(dora.leadTime.medianMs),
      detail:
        dora.leadTime.samples.length === 0
          ? 'no deployment asked for from JIRA'
          : `median of ${dora.leadTime.samples.length} (mean ${formatDuration(dora.leadTime.meanMs)}), JIRA transition → deployed`,
    },
    {
      key: 'change-failure-rate',
      label: 'Change failure rate',
      value: percent(dora.changeFailureRate.rate),
      detail: `${dora.changeFailureRate.failedDeployments} of ${dora.changeFailureRate.finishedDeployments} finished deployments failed`,
    },
    {
      key: 'time-to-restore',
      label: 'Time to restore',
      value: formatDuration(dora.timeToRestore.medianMs),
      detail: `${dora.timeToRestore.restored} restored, ${dora.timeToRestore.open} still open`,
    },
  ];

  return {
    sprint: { ...report.sprint, asOf: report.window.asOf, generatedAt: report.generatedAt },
    usesStoryPoints: report.usesStoryPoints,
    countingNote: countingNote(report.usesStoryPoints),
    charts: {
      burndown: trustedChartSvg(await renderBurndownSvg(report, { size: BURNDOWN_ON_PAGE })),
      burndownPoints: report.usesStoryPoints
        ? trustedChartSvg(await renderBurndownSvg(report, { unit: 'points', size: BURNDOWN_ON_PAGE }))
        : null,
      timeline: trustedChartSvg(await renderPhaseTimelineSvg(report, timeline ? { deploymentId: timeline.deploymentId } : {})),
    },
    burndown: {
      remaining: report.burndown.current.remaining,
      remainingPoints: report.burndown.current.remainingPoints,
      at: report.burndown.current.at,
    },
    timeline: timeline
      ? {
          deploymentId: timeline.deploymentId,
          environment: timeline.environment,
          status: timeline.status,
          href: deploymentHref(timeline.deploymentId),
        }
      : null,
    /** The other deployments whose timeline can be drawn instead. */
    timelines: report.timelines.map((candidate) => ({
      deploymentId: candidate.deploymentId,
      label: `${candidate.deploymentId.slice(0, 8)} · ${candidate.environment} · ${candidate.status}`,
      startedAt: candidate.startedAt,
      selected: candidate.deploymentId === timeline?.deploymentId,
    })),
    commitment: {
      completion: percent(scope.completionRatio),
      rows: [storyRow('Stories', (tally) => tally.stories), ...(report.usesStoryPoints ? [storyRow('Story points', pointsOf)] : [])],
      unestimatedStories: scope.unestimatedStories,
      epics: { committed: epics.committed, committedDone: epics.committedDone, total: epics.total, done: epics.done },
    },
    stories: report.stories.map((story) => ({
      issue: issue(story.issueKey)!,
      epic: issue(story.epicKey),
      title: story.title,
      storyPoints: story.storyPoints,
      scope: scopeLabel(story),
      scopeAt: story.inScope ? story.addedAt : story.removedAt,
      status: story.status,
      doneAt: story.doneAt,
      links: linkViews({ ...story.links, issueKey: null, epicKey: null }),
    })),
    epics: epics.epics.map((epic) => ({
      epic: issue(epic.epicKey)!,
      phaseKey: epic.phaseKey,
      committed: epic.committed,
      stories: epic.stories,
      doneStories: epic.doneStories,
      storyPoints: epic.storyPoints,
      donePoints: epic.donePoints,
      done: epic.done,
    })),
    deployments: {
      total: report.deployments.total,
      dryRunsExcluded: report.deployments.dryRunsExcluded,
      rows: report.deployments.list.map((deployment) => ({
        id: deployment.id,
        href: deploymentHref(deployment.id),
        environment: deployment.environment,
        status: deployment.status,
        failed: deployment.failed,
        trigger: deployment.trigger,
        requester: deployment.requester,
        startedAt: deployment.startedAt,
        duration: formatDuration(deployment.durationMs),
        jira: issue(deployment.jiraTrigger?.issueKey ?? null),
      })),
    },
    kpis,
    leadTimes: dora.leadTime.samples.map((sample) => ({
      issue: issue(sample.issueKey)!,
      transitionedAt: sample.transitionedAt,
      deployedAt: sample.deployedAt,
      leadTime: formatDuration(sample.leadTimeMs),
      deploymentHref: deploymentHref(sample.deploymentId),
      deploymentId: sample.deploymentId,
    })),
    incidents: dora.timeToRestore.incidents.map((incident) => ({
      environment: incident.environment,
      failedAt: incident.failedAt,
      restoredAt: incident.restoredAt,
      duration: formatDuration(incident.durationMs ?? incident.openForMs),
      open: incident.restoredAt === null,
      deployments: incident.failedDeploymentIds.map((id) => ({ id, href: deploymentHref(id) })),
    })),
    recovery: {
      ...recovery,
      medianTimeToRecover: formatDuration(recovery.medianTimeToRecoverMs),
      meanTimeToRecover: formatDuration(recovery.meanTimeToRecoverMs),
    },
    failures: report.failures.map((failure) => ({
      at: failure.at,
      phaseKey: failure.phaseKey,
      stepKey: failure.stepKey,
      stepTitle: failure.stepTitle,
      node: failure.node,
      attempt: failure.attempt,
      exitCode: failure.exitCode,
      firstErrorLine: failure.firstErrorLine,
      recovered: failure.recoveredBy !== null,
      timeToRecover: formatDuration(failure.timeToRecoverMs),
      links: linkViews(failure.links),
    })),
    retries: report.retries.map((retry) => ({
      phaseKey: retry.phaseKey,
      stepKey: retry.stepKey,
      stepTitle: retry.stepTitle,
      node: retry.node,
      attempts: retry.attempts,
      failedAttempts: retry.failedAttempts,
      finalStatus: retry.finalStatus,
      recoveredAfter: formatDuration(retry.recoveredAfterMs),
      links: linkViews(retry.links),
    })),
    slowestSteps: report.slowestSteps.map((step) => ({
      phaseKey: step.phaseKey,
      stepKey: step.stepKey,
      stepTitle: step.stepTitle,
      node: step.node,
      runs: step.runs,
      median: formatDuration(step.medianMs),
      max: formatDuration(step.maxMs),
      links: linkViews(step.links),
    })),
    phases: report.phases.map((phase) => ({
      phaseKey: phase.phaseKey,
      epic: issue(phase.epicKey),
      runs: phase.runs.length,
      succeeded: phase.succeeded,
      failed: phase.failed,
      median: formatDuration(phase.medianMs),
      max: formatDuration(phase.maxMs),
      trend: trendText(phase.trend),
    })),
    retrospective: report.retrospective.map((prompt) => ({
      kind: prompt.kind,
      text: prompt.text,
      links: dedupe(prompt.links.flatMap(linkViews)),
    })),
  };
}

/** A prompt about five failures of one step links each deployment once. */
function dedupe(links: LinkView[]): LinkView[] {
  const seen = new Set<string>();
  return links.filter((link) => {
    const key = `${link.kind}\u0000${link.text}\u0000${link.href ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
