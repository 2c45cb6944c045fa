import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { PhaseRunStatus, StepRunStatus } from '../ledger-status.js';
import { ACTIVE_DEPLOYMENT, OPEN_STEP } from '../ledger-status.js';
import { PrismaService } from '../prisma.service.js';
import type { DeploymentRecord, JsonValue, PhaseRunRecord, StepAttemptRecord, StepRunRecord } from '../records.js';

/** A deployment as the coordinator sees it while it holds the row lock. */
export type LockedDeployment = DeploymentRecord & { phaseRuns: PhaseRunRecord[]; environment: { name: string } };

/** What the coordinator decided under the lock; the repository writes it in the same transaction. */
export interface AdvanceDecision {
  /** Phases to enqueue (their jobs are added after the transaction commits). */
  ready: PhaseRunRecord[];
  /** Mark every pending phase cancelled. */
  cancelPending?: boolean;
  /** Close the deployment: it frees its environment. */
  close?: { status: 'succeeded' | 'failed' | 'cancelled'; error: string | null };
}

export interface StepResult {
  status: StepRunStatus;
  exitCode: number | null;
  /** The guard that ran, apart from the command; null when the step has none. */
  guard: string | null;
  /** What ran apart from the guard; null when only the guard ran (the step was already done, or check mode). */
  command: string | null;
  stdout: string;
  stderr: string;
}

/** The first line that says what went wrong: stderr's first non-blank line, else stdout's last (both already masked). */
export function firstErrorLine(stderr: string, stdout: string): string | null {
  const lines = (text: string) =>
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith('[… '));
  const line = lines(stderr)[0] ?? lines(stdout).at(-1) ?? null;
  return line === null ? null : line.slice(0, 500);
}

export interface NewArtifact {
  kind: 'rendered_file' | 'verification_table';
  name: string;
  language: string | null;
  content: string;
  data?: JsonValue;
}

/**
 * The engine's side of the deployment ledger: the coordinator's locked decision and every
 * phase and step transition. Each write lands before the engine moves on, which is what lets a
 * phase resume after a crash without repeating a finished step.
 */
@Injectable()
export class LedgerRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Locks the deployment row (two workers finishing phases at once must not both decide), lets
   * `decide` look at it, and writes the decision. Undefined when the deployment is gone or closed.
   */
  async advance(
    deploymentId: string,
    decide: (deployment: LockedDeployment) => AdvanceDecision,
  ): Promise<{ deployment: LockedDeployment; decision: AdvanceDecision } | undefined> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Deployment" WHERE id = ${deploymentId} FOR UPDATE`;
      const deployment = await tx.deployment.findUnique({
        where: { id: deploymentId },
        include: { phaseRuns: true, environment: { select: { name: true } } },
      });
      if (!deployment || deployment.finishedAt) return undefined;
      const decision = decide(deployment);
      if (decision.cancelPending) {
        await tx.phaseRun.updateMany({ where: { deploymentId, status: 'pending' }, data: { status: 'cancelled' } });
      }
      if (decision.close) {
        await tx.deployment.update({
          where: { id: deploymentId },
          data: { status: decision.close.status, error: decision.close.error, finishedAt: new Date(), activeEnvironmentId: null },
        });
      }
      return { deployment, decision };
    });
  }

  /** The deployment and the run of one of its phases, as a phase job starts. */
  async phaseJob(deploymentId: string, phaseKey: string): Promise<{ deployment: DeploymentRecord; phaseRun: PhaseRunRecord } | undefined> {
    const deployment = await this.prisma.deployment.findUnique({
      where: { id: deploymentId },
      include: { phaseRuns: { where: { phaseKey } } },
    });
    const phaseRun = deployment?.phaseRuns[0];
    if (!deployment || !phaseRun) return undefined;
    const { phaseRuns: _, ...rest } = deployment;
    return { deployment: rest, phaseRun };
  }

  /** queued → running, once; true for the call that did it. */
  async startDeployment(deploymentId: string): Promise<boolean> {
    const started = await this.prisma.deployment.updateMany({
      where: { id: deploymentId, status: 'queued' },
      data: { status: 'running', startedAt: new Date() },
    });
    return started.count === 1;
  }

  /** The first heartbeat comes with the start (see `heartbeat`). */
  async startPhase(phaseRun: PhaseRunRecord): Promise<void> {
    const startedAt = (phaseRun.startedAt ?? new Date()).toISOString();
    await this.prisma.$executeRaw`
      UPDATE "PhaseRun" SET status = 'running', "startedAt" = ${startedAt}::timestamptz AT TIME ZONE 'UTC',
        "heartbeatAt" = now() AT TIME ZONE 'UTC'
      WHERE id = ${phaseRun.id}`;
  }

  /**
   * The worker running this phase is alive (see PhaseRun.heartbeatAt). Stamped with PostgreSQL's
   * clock, as `silentFor` reads it: workers on other machines may run their clocks minutes apart,
   * and a reconciler ahead of the heartbeat's writer would take a live phase for abandoned.
   */
  async heartbeat(phaseRunId: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "PhaseRun" SET "heartbeatAt" = now() AT TIME ZONE 'UTC' WHERE id = ${phaseRunId} AND status = 'running'`;
  }

  /** No sign of life from the phase's worker for `ms` by PostgreSQL's clock (nor ever, for a phase without heartbeat or start). */
  async silentFor(phaseRunId: string, ms: number): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<Array<{ silent: boolean }>>`
      SELECT COALESCE(COALESCE("heartbeatAt", "startedAt") < now() AT TIME ZONE 'UTC' - make_interval(secs => ${ms / 1000}::float8), true) AS silent
      FROM "PhaseRun" WHERE id = ${phaseRunId}`;
    return rows[0]?.silent ?? true;
  }

  /** Deployments that hold their environment (queued, running, or cancelled but not yet closed), with their phases. */
  unfinished(): Promise<LockedDeployment[]> {
    return this.prisma.deployment.findMany({
      where: { finishedAt: null, OR: [{ status: { in: [...ACTIVE_DEPLOYMENT] } }, { activeEnvironmentId: { not: null } }] },
      include: { phaseRuns: { orderBy: { position: 'asc' } }, environment: { select: { name: true } } },
      orderBy: { createdAt: 'asc' },
    });
  }

  /**
   * Ends a running phase nobody runs any more (its job and its worker are gone): the phase and its
   * interrupted steps take `status`. False when the phase was no longer running.
   */
  async endAbandonedPhase(phaseRunId: string, status: 'cancelled' | 'failed', error: string | null): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const ended = await tx.phaseRun.updateMany({
        where: { id: phaseRunId, status: 'running' },
        data: { status, error, finishedAt: new Date() },
      });
      if (ended.count === 0) return false;
      await tx.stepRun.updateMany({
        where: { phaseRunId, status: 'running' },
        data: { status: status === 'cancelled' ? 'cancelled' : 'failed', finishedAt: new Date() },
      });
      return true;
    });
  }

  async finishPhase(
    phaseRunId: string,
    status: Extract<PhaseRunStatus, 'succeeded' | 'failed' | 'cancelled'>,
    error: string | null,
  ): Promise<void> {
    await this.prisma.phaseRun.update({ where: { id: phaseRunId }, data: { status, finishedAt: new Date(), error } });
  }

  /** The first failure explains the deployment; later ones are in the ledger. */
  async explainFailure(deploymentId: string, error: string): Promise<void> {
    await this.prisma.deployment.updateMany({ where: { id: deploymentId, error: null }, data: { error } });
  }

  steps(phaseRunId: string): Promise<StepRunRecord[]> {
    return this.prisma.stepRun.findMany({ where: { phaseRunId } });
  }

  /**
   * A new attempt of a step starts now; the row returned carries this attempt's start time. The
   * attempt gets its own StepAttempt row: StepRun keeps only the latest, the report needs them all.
   * One statement (one round trip, one commit): see writeStepChange.
   */
  async startStep(row: StepRunRecord): Promise<StepRunRecord> {
    const { next } = await this.writeStepChange(undefined, row);
    if (next) return next;
    // The row moved on since the runner read it (a start whose answer an outage lost): start from what is there.
    const current = await this.prisma.stepRun.findUnique({ where: { id: row.id } });
    const again = current && (await this.writeStepChange(undefined, current)).next;
    if (!again) throw new Error(`step run ${row.id} is gone or keeps changing; it was not started`);
    return again;
  }

  /** Every attempt of the steps of a deployment, oldest first. */
  attempts(deploymentId: string): Promise<StepAttemptRecord[]> {
    return this.prisma.stepAttempt.findMany({ where: { deploymentId }, orderBy: [{ startedAt: 'asc' }, { attempt: 'asc' }] });
  }

  /**
   * The step's result and its evidence in one statement; the duration is this attempt's own.
   * With `next` (the node's next step, when the runner goes on) the same commit starts that step:
   * the result is durable before the next step runs, as the ledger promises, and a step costs one
   * commit (one WAL flush) instead of two. `next` is undefined in the answer when that step was no
   * longer where the runner left it (then nothing of it was written).
   */
  async finishStep(
    started: StepRunRecord,
    result: StepResult,
    artifacts: NewArtifact[],
    phaseKey: string,
    next?: StepRunRecord,
  ): Promise<{ finished: StepRunRecord; next?: StepRunRecord }> {
    const finishedAt = new Date();
    const data = { ...result, finishedAt, durationMs: durationOf(started, finishedAt) };
    const written = await this.writeStepChange({ started, data, artifacts, phaseKey }, next);
    return { finished: written.finished!, next: written.next };
  }

  /**
   * Finishes `finish.started` with `finish.data` and its evidence and/or starts `next`, as ONE SQL
   * statement (its data-modifying CTEs run together or not at all): one round trip and one commit,
   * where the Prisma calls took a transaction (BEGIN, up to six statements, COMMIT) and each call
   * a pass through Prisma's query compiler, which cost more CPU than the database's work. `next`
   * starts only if its attempt is still the one the runner read, so a repeated call (a result
   * written again after an outage) never starts it twice; its evidence replaces what the first
   * call wrote.
   */
  private async writeStepChange(
    finish:
      | {
          started: StepRunRecord;
          data: StepResult & { finishedAt: Date; durationMs: number | null };
          artifacts: NewArtifact[];
          phaseKey: string;
        }
      | undefined,
    next: StepRunRecord | undefined,
  ): Promise<{ finished?: StepRunRecord; next?: StepRunRecord }> {
    const startedAt = new Date();
    const f = finish?.data;
    const attempt = f ? attemptResult(f) : undefined;
    // Timestamps travel as UTC text into Prisma's `timestamp(3)` columns (UTC without a zone).
    const utc = (date: Date | undefined) => date?.toISOString() ?? null;
    const artifacts = finish?.artifacts ?? [];
    // Earlier evidence of the step goes first: a step run again, or the same result written again.
    const replaceEvidence = finish !== undefined && (artifacts.length > 0 || finish.started.attempt > 1);
    const evidence = JSON.stringify(
      artifacts.map((a) => ({ id: randomUUID(), kind: a.kind, name: a.name, language: a.language, content: a.content, data: a.data })),
    );
    const rows = await this.prisma.$queryRaw<Array<{ finished: number; started: number }>>`
      WITH finished AS (
        UPDATE "StepRun" SET status = CAST(${f?.status ?? null}::text AS "StepRunStatus"), "exitCode" = ${f?.exitCode ?? null}::int,
          guard = ${f?.guard ?? null}::text, command = ${f?.command ?? null}::text, stdout = ${f?.stdout ?? null}::text, stderr = ${f?.stderr ?? null}::text,
          "finishedAt" = ${utc(f?.finishedAt)}::timestamptz AT TIME ZONE 'UTC', "durationMs" = ${f?.durationMs ?? null}::int
        WHERE id = ${finish?.started.id ?? null}::text RETURNING id
      ), finished_attempt AS (
        UPDATE "StepAttempt" SET status = CAST(${attempt?.status ?? null}::text AS "StepRunStatus"), "exitCode" = ${attempt?.exitCode ?? null}::int,
          "finishedAt" = ${utc(attempt?.finishedAt)}::timestamptz AT TIME ZONE 'UTC', "durationMs" = ${f?.durationMs ?? null}::int,
          "firstErrorLine" = ${attempt?.firstErrorLine ?? null}::text
        WHERE "stepRunId" = ${finish?.started.id ?? null}::text AND attempt = ${finish?.started.attempt ?? null}::int RETURNING id
      ), replaced_evidence AS (
        DELETE FROM "Artifact" WHERE ${replaceEvidence}::boolean AND "stepRunId" = ${finish?.started.id ?? null}::text
      ), evidence AS (
        INSERT INTO "Artifact" (id, "deploymentId", "stepRunId", "phaseKey", node, kind, name, language, content, data, "createdAt")
        SELECT a.id, ${finish?.started.deploymentId ?? null}::text, ${finish?.started.id ?? null}::text, ${finish?.phaseKey ?? null}::text,
          ${finish?.started.node ?? null}::text, CAST(a.kind AS "ArtifactKind"), a.name, a.language, a.content, a.data,
          ${utc(f?.finishedAt)}::timestamptz AT TIME ZONE 'UTC'
        FROM jsonb_to_recordset(${evidence}::jsonb) AS a(id text, kind text, name text, language text, content text, data jsonb)
        WHERE EXISTS (SELECT 1 FROM finished)
      ), next_run AS (
        UPDATE "StepRun" SET status = 'running', attempt = attempt + 1, "startedAt" = ${utc(startedAt)}::timestamptz AT TIME ZONE 'UTC',
          "finishedAt" = NULL, "exitCode" = NULL, "durationMs" = NULL
        WHERE id = ${next?.id ?? null}::text AND attempt = ${next?.attempt ?? null}::int
        RETURNING id, "deploymentId", attempt, node, "startedAt"
      ), next_attempt AS (
        INSERT INTO "StepAttempt" (id, "stepRunId", "deploymentId", attempt, node, status, "startedAt")
        SELECT ${randomUUID()}::text, id, "deploymentId", attempt, node, 'running', "startedAt" FROM next_run RETURNING id
      )
      SELECT (SELECT count(*) FROM finished)::int AS finished, (SELECT count(*) FROM next_attempt)::int AS started`;
    const [{ finished, started }] = rows;
    if (finish && finished !== 1) throw new Error(`step run ${finish.started.id} is gone; its result was not recorded`);
    return {
      finished: finish ? { ...finish.started, ...finish.data } : undefined,
      next: next && started === 1 ? startedRow(next, startedAt) : undefined,
    };
  }

  /** A step that could not run to an end (connection lost, cancelled, executor error). */
  async stopStep(started: StepRunRecord, status: StepRunStatus, stderr: string): Promise<StepRunRecord> {
    const finishedAt = new Date();
    const [fresh] = await this.prisma.$transaction([
      this.prisma.stepRun.update({
        where: { id: started.id },
        data: { status, stderr, finishedAt, durationMs: durationOf(started, finishedAt) },
      }),
      this.finishAttempt(started, {
        status,
        exitCode: null,
        finishedAt,
        firstErrorLine: status === 'failed' ? firstErrorLine(stderr, '') : null,
      }),
    ]);
    return fresh;
  }

  private finishAttempt(
    started: StepRunRecord,
    result: { status: StepRunStatus; exitCode: number | null; finishedAt: Date; firstErrorLine: string | null },
  ) {
    // updateMany: a step started before attempts were recorded has no row, and that is fine.
    return this.prisma.stepAttempt.updateMany({
      where: { stepRunId: started.id, attempt: started.attempt },
      data: { ...result, durationMs: durationOf(started, result.finishedAt) },
    });
  }

  phaseRunOf(deploymentId: string, phaseKey: string): Promise<Pick<PhaseRunRecord, 'id' | 'status'> | null> {
    return this.prisma.phaseRun.findFirst({ where: { deploymentId, phaseKey }, select: { id: true, status: true } });
  }

  countOpenSteps(phaseRunId: string, storyKey: string): Promise<number> {
    return this.prisma.stepRun.count({ where: { phaseRunId, storyKey, status: { in: [...OPEN_STEP] } } });
  }
}

/** A step run row as the start of its next attempt leaves it. */
function startedRow(row: StepRunRecord, startedAt: Date): StepRunRecord {
  return { ...row, status: 'running', attempt: row.attempt + 1, startedAt, finishedAt: null, exitCode: null, durationMs: null };
}

/** What an attempt's row records of the step's result. */
function attemptResult(data: StepResult & { finishedAt: Date }) {
  return {
    status: data.status,
    exitCode: data.exitCode,
    finishedAt: data.finishedAt,
    firstErrorLine: data.status === 'failed' ? firstErrorLine(data.stderr, data.stdout) : null,
  };
}

function durationOf(started: StepRunRecord, finishedAt: Date): number | null {
  return started.startedAt ? Math.max(0, finishedAt.getTime() - started.startedAt.getTime()) : null;
}
