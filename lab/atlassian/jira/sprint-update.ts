import { BadRequest } from '../http.js';
import type { StoredSprint } from './jira-state.js';

/** The fields of the Agile API's sprint update body (its schema allows no others). */
const UPDATABLE = ['id', 'self', 'state', 'name', 'startDate', 'endDate', 'completeDate', 'createdDate', 'originBoardId', 'goal'];

const isDate = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));

/**
 * POST /rest/agile/1.0/sprint/{id} (partial update) with the rules Atlassian documents: a closed
 * sprint cannot be updated; `active` starts a future sprint that has a start and an end date;
 * `closed` completes an active sprint and sets completeDate; no other change of state; completeDate
 * is never set by a client. Checks everything before changing anything.
 */
export function updateSprint(sprint: StoredSprint, input: Record<string, unknown>, now: Date = new Date()): void {
  const unknown = Object.keys(input).filter((field) => !UPDATABLE.includes(field));
  if (unknown.length) throw new BadRequest([`Unrecognized field "${unknown[0]}"`]);
  if (sprint.state === 'closed') throw new BadRequest(['Sprints that are in a closed state cannot be updated.']);
  const errors: Record<string, string> = {};
  if ('completeDate' in input) errors.completeDate = 'The complete date of a sprint cannot be updated manually.';
  if ('name' in input && (typeof input.name !== 'string' || !input.name.trim())) errors.name = 'Sprint name is required.';
  else if (typeof input.name === 'string' && input.name.trim().length > 30) errors.name = 'Sprint name must not exceed 30 characters.';
  for (const field of ['startDate', 'endDate'] as const) {
    if (field in input && input[field] !== null && !isDate(input[field])) errors[field] = `${field} is not a valid date.`;
  }
  if ('goal' in input && input.goal !== null && typeof input.goal !== 'string') errors.goal = 'goal must be a string.';
  if ('originBoardId' in input && Number(input.originBoardId) !== sprint.originBoardId) {
    errors.originBoardId = 'The board of a sprint cannot be changed.';
  }
  const startDate = 'startDate' in input ? (input.startDate as string | null) : sprint.startDate;
  const endDate = 'endDate' in input ? (input.endDate as string | null) : sprint.endDate;
  const state = input.state ?? sprint.state;
  if (state !== sprint.state) {
    if (sprint.state === 'future' && state === 'active') {
      if (!startDate || !endDate) errors.state = 'A sprint needs a start date and an end date to be started.';
    } else if (!(sprint.state === 'active' && state === 'closed')) {
      errors.state = `A sprint cannot change from ${sprint.state} to ${String(state)}: only future → active and active → closed.`;
    }
  }
  if (isDate(startDate) && isDate(endDate) && Date.parse(endDate) <= Date.parse(startDate)) {
    errors.endDate = 'The end date must be after the start date.';
  }
  if (Object.keys(errors).length) throw new BadRequest([], errors);

  if (typeof input.name === 'string') sprint.name = input.name.trim();
  if ('goal' in input) sprint.goal = (input.goal as string | null) ?? undefined;
  sprint.startDate = startDate ?? undefined;
  sprint.endDate = endDate ?? undefined;
  if (state === 'closed' && sprint.state === 'active') sprint.completeDate = now.toISOString();
  sprint.state = state as StoredSprint['state'];
}
