import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConflictError } from '../../common/errors.js';
import { JiraConfig } from '../../config/jira-config.js';
import { JobQueue } from '../../infra/queue/job-queue.js';
import type { JobPayloads } from '../../infra/queue/jobs.js';
import { OnJob } from '../../infra/queue/on-job.js';
import { AuditRepository } from '../../persistence/repositories/audit.repository.js';
import { CLOCK, type Clock } from './clock.js';
import { JiraGateway } from './jira.gateway.js';
import { JiraHttpError } from './jira-http-error.js';
import type { JiraSprint } from './jira.types.js';

const ACTOR = 'jira-sprint-lifecycle';
const DAY_MS = 24 * 60 * 60 * 1000;

type CloseSprintJob = JobPayloads['jira:close-sprint'];

/**
 * Starts and closes JIRA sprints through the Agile API (a partial update of the sprint's state),
 * so that JIRA's own sprint report exists for the sprints OpSprint runs. Starting schedules the
 * `jira:close-sprint` job for the end date; closing is also there for an API route or a person.
 * Both are idempotent: a sprint already in the wanted state is left alone.
 */
@Injectable()
export class JiraSprintLifecycle {
  constructor(
    private readonly gateway: JiraGateway,
    @Inject(JiraConfig) private readonly config: Pick<JiraConfig, 'sprintDays'>,
    private readonly queue: JobQueue,
    private readonly auditLog: AuditRepository,
    @Optional() @Inject(CLOCK) private readonly now: Clock = () => new Date(),
  ) {}

  /**
   * Starts a future sprint now; it ends on its own end date when it has one still ahead, else after
   * JIRA_SPRINT_DAYS. A running sprint is returned as it is (its close is scheduled all the same).
   * `startedAt`: when the work that starts it began (a deployment's first event), when that is
   * earlier than now: the JIRA sync may follow a fast deployment only after it finished, and the
   * deployment must still fall inside the sprint.
   */
  async start(sprintId: number, startedAt?: Date): Promise<JiraSprint> {
    let sprint = await this.gateway.getSprint(sprintId);
    if (sprint.state === 'closed') throw new ConflictError(`sprint ${sprintId} (${sprint.name}) is closed: JIRA does not start it again`);
    if (sprint.state === 'future') {
      const now = this.now();
      const endDate =
        sprint.endDate && Date.parse(sprint.endDate) > now.getTime()
          ? sprint.endDate
          : new Date(now.getTime() + this.config.sprintDays * DAY_MS).toISOString();
      const startDate = startedAt && startedAt < now ? startedAt : now;
      sprint = await this.update(sprintId, { state: 'active', startDate: startDate.toISOString(), endDate });
      await this.auditLog.record(ACTOR, 'jira.sprint.started', String(sprintId), {
        name: sprint.name,
        startDate: sprint.startDate ?? null,
        endDate: sprint.endDate ?? null,
      });
    }
    await this.scheduleClose(sprint);
    return sprint;
  }

  /** Closes (completes) an active sprint now; a closed one is returned as it is. */
  async close(sprintId: number): Promise<JiraSprint> {
    const sprint = await this.gateway.getSprint(sprintId);
    if (sprint.state === 'closed') return sprint;
    if (sprint.state === 'future')
      throw new ConflictError(`sprint ${sprintId} (${sprint.name}) has not started: only an active sprint can be closed`);
    const closed = await this.update(sprintId, { state: 'closed' });
    await this.auditLog.record(ACTOR, 'jira.sprint.closed', String(sprintId), {
      name: closed.name,
      completeDate: closed.completeDate ?? null,
    });
    return closed;
  }

  @OnJob('jira:close-sprint')
  async closeJob(job: CloseSprintJob): Promise<{ sprintId: number; state: string; rescheduledFor?: string }> {
    if (!job.atEndDate) return { sprintId: job.sprintId, state: (await this.close(job.sprintId)).state };
    const sprint = await this.gateway.getSprint(job.sprintId);
    if (sprint.state !== 'active') return { sprintId: sprint.id, state: sprint.state };
    if (sprint.endDate && Date.parse(sprint.endDate) > this.now().getTime()) {
      // The team moved the end date since the sprint started: close it then instead.
      await this.scheduleClose(sprint);
      return { sprintId: sprint.id, state: sprint.state, rescheduledFor: sprint.endDate };
    }
    return { sprintId: sprint.id, state: (await this.close(sprint.id)).state };
  }

  private async scheduleClose(sprint: JiraSprint): Promise<void> {
    if (sprint.state !== 'active' || !sprint.endDate) return;
    const endsAt = Date.parse(sprint.endDate);
    // One job per sprint and end date: starting twice schedules once; a moved end date gets its own.
    await this.queue.add(
      'jira:close-sprint',
      { sprintId: sprint.id, atEndDate: true },
      { jobId: `jira-close-sprint-${sprint.id}-${endsAt}`, delay: Math.max(0, endsAt - this.now().getTime()) },
    );
  }

  /**
   * A retried update may land twice: JIRA then refuses the second (the state already changed), so
   * a 400 is answered by reading the sprint and accepting it when it is in the wanted state.
   */
  private async update(
    sprintId: number,
    fields: { state: 'active' | 'closed'; startDate?: string; endDate?: string },
  ): Promise<JiraSprint> {
    try {
      return await this.gateway.updateSprint(sprintId, fields);
    } catch (error) {
      if (!(error instanceof JiraHttpError) || error.status !== 400) throw error;
      const sprint = await this.gateway.getSprint(sprintId);
      if (sprint.state === fields.state) return sprint;
      throw error;
    }
  }
}
