/**
 * The sprint review core: plain input types (what the repositories load), the report and the
 * daily digest built from them, and the charts. No database, Nest or HTTP here.
 */
export * from './charts/index.js';
export * from './digest/daily-digest.js';
export * from './model/index.js';
export type { Burndown, BurndownDay } from './review/burndown.js';
export type { DeploymentLine, DeploymentsSummary } from './review/deployments-summary.js';
export type { ChangeFailureRate, DeploymentFrequency, DoraKeys, Incident, LeadTime, LeadTimeSample, TimeToRestore } from './review/dora.js';
export type { FailureLine, RecoverySummary, RetryLine } from './review/failures.js';
export { formatDuration } from './review/format-duration.js';
export type { RetroPrompt, RetroPromptKind } from './review/retrospective.js';
export { countingNote, type EpicLine, type EpicSummary, type ScopeSummary, type StoryLine, type StoryTally } from './review/scope.js';
export { buildSprintReport, type SprintReport, type SprintReportOptions } from './review/sprint-report.js';
export type { SprintWindow } from './review/sprint-window.js';
export type { DeploymentTimeline, TimelineBar } from './review/timeline.js';
export type { NodePhaseRun, NodePhaseTiming, NodeTiming, PhaseRunLine, PhaseTiming, SlowStep } from './review/timings.js';
export type { Trend } from './review/trend.js';
