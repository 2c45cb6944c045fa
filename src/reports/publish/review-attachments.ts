import { renderBurndownPng, renderPhaseTimelinePng } from '../charts/index.js';
import type { SprintReport } from '../review/sprint-report.js';
import { BURNDOWN_PNG, TIMELINE_PNG } from './review-page.js';

/** A chart image attached to the review page. */
export interface ReviewAttachment {
  filename: string;
  png: Buffer;
}

/**
 * The charts of the review page: the burndown (in story points when the sprint uses them, else in
 * stories) and, once a deployment ran, the latest one's phase timeline. Drawn at twice the size
 * for sharp images on dense screens.
 */
export async function reviewAttachments(report: SprintReport): Promise<ReviewAttachment[]> {
  const attachments: ReviewAttachment[] = [
    { filename: BURNDOWN_PNG, png: await renderBurndownPng(report, { unit: report.usesStoryPoints ? 'points' : 'stories' }, 2) },
  ];
  if (report.timelines.length > 0) attachments.push({ filename: TIMELINE_PNG, png: await renderPhaseTimelinePng(report, {}, 2) });
  return attachments;
}

/** Which charts the page shows, for buildReviewPage. */
export function chartsOf(attachments: ReviewAttachment[]): { burndown: boolean; timeline: boolean } {
  const names = new Set(attachments.map((attachment) => attachment.filename));
  return { burndown: names.has(BURNDOWN_PNG), timeline: names.has(TIMELINE_PNG) };
}
