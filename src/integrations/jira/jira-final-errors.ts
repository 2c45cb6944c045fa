import { Injectable } from '@nestjs/common';
import { KeyValueStore } from '../../infra/kv/key-value-store.js';
import type { JobName } from '../../infra/queue/jobs.js';
import { FinalJobError } from '../../infra/queue/on-job.js';
import { AuditRepository } from '../../persistence/repositories/audit.repository.js';
import { isFinal } from '../http/http-error.js';
import { JiraHttpError } from './jira-http-error.js';

/** The last JIRA answer that stopped a job for good, as /health and the audit log show it. */
export interface JiraFinalError {
  at: string;
  job: JobName;
  deploymentId: string | null;
  /** The phase the job was about (a phase's event); null for the whole deployment or none. */
  phaseKey: string | null;
  status: number;
  request: string | null;
  message: string;
  hint: string;
}

const key = (job: JobName) => `jira:final-error:${job}`;
/** The jobs whose final errors are kept (one record each, the latest). */
const GUARDED: JobName[] = ['jira:sync-backlog', 'jira:deployment-event', 'jira:poll'];
/** Long enough for an operator to see it; a backlog sync that succeeds clears it sooner. */
const KEEP_SECONDS = 30 * 24 * 3600;

/** What an operator can do about each final answer. */
const HINTS: Record<number, string> = {
  400: 'JIRA refused the request as invalid (project settings, issue types or fields)',
  401: 'JIRA refused the credentials (JIRA_EMAIL + JIRA_API_TOKEN, or JIRA_PAT)',
  403: 'the JIRA user lacks a permission on the project or board',
  404: 'not found: check JIRA_BASE_URL, JIRA_PROJECT_KEY and JIRA_BOARD_ID',
  410: 'JIRA removed this API: is JIRA_FLAVOR right for this site? (unset, it is asked from the server)',
};

/**
 * JIRA answers that no retry can fix (400, 401, 403, 404, 410) end their job at once instead of
 * letting the queue retry it for an hour: recorded in the audit log (`jira.sync.failed`) and kept
 * for /health until a backlog sync succeeds again. Every other failure goes up unchanged (retried).
 */
@Injectable()
export class JiraFinalErrors {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly auditLog: AuditRepository,
  ) {}

  async guard<T>(job: (typeof GUARDED)[number], deploymentId: string | null, work: () => Promise<T>, phaseKey?: string): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!isFinal(error)) throw error;
      const record: JiraFinalError = {
        at: new Date().toISOString(),
        job,
        deploymentId,
        phaseKey: phaseKey ?? null,
        status: error.status,
        request: error instanceof JiraHttpError ? (error.request ?? null) : null,
        message: error.message.split('\n')[0],
        hint: HINTS[error.status] ?? 'JIRA refused the request',
      };
      // A poll refused every interval is one problem: audited once, not every two minutes.
      const previous = await this.kv.get<JiraFinalError>(key(job));
      const repeated = previous && previous.status === record.status && previous.request === record.request && !deploymentId;
      if (!repeated) await this.auditLog.record('jira-sync', 'jira.sync.failed', deploymentId ?? job, { ...record });
      await this.kv.put(key(job), record, KEEP_SECONDS);
      throw new FinalJobError(`${record.message} (final, not retried: ${record.hint})`, { cause: error });
    }
  }

  /** `job` went through: what stopped it before no longer does (a backlog sync that succeeds clears every job's). */
  async clear(job: JobName): Promise<void> {
    for (const name of job === 'jira:sync-backlog' ? GUARDED : [job]) await this.kv.delete(key(name));
  }

  /** The final errors still standing, newest first. */
  async standing(): Promise<JiraFinalError[]> {
    const records = await Promise.all(GUARDED.map((job) => this.kv.get<JiraFinalError>(key(job))));
    return records.filter((r): r is JiraFinalError => r !== undefined).sort((a, b) => b.at.localeCompare(a.at));
  }
}
