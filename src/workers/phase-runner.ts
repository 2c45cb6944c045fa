import { metrics } from '../infra/metrics/metrics.js';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Runtime } from '../config/runtime.js';
import { EnvironmentsService, type EnvironmentForDeployment } from '../environments/environments.service.js';
import { DeploymentEventBus } from '../infra/events/deployment-event-bus.js';
import type { DeploymentEventInput } from '../infra/events/deployment-events.js';
import { JOBS, type JobPayloads } from '../infra/queue/jobs.js';
import { HandBackError, type JobContext } from '../infra/queue/on-job.js';
import { DeploymentSignals } from '../infra/signals/deployment-signals.js';
import { type NodeSession, SessionFactory, SshError, type SshTarget } from '../infra/ssh/executor.types.js';
import { persistThroughOutage } from '../persistence/errors.js';
import { isDoneStep } from '../persistence/ledger-status.js';
import type { StepRunRecord } from '../persistence/records.js';
import { LedgerRepository } from '../persistence/repositories/ledger.repository.js';
import { RunbookCatalog } from '../runbooks/catalog.js';
import type { InventoryNode, PhasePlan, PlannedStep } from '../runbooks/model.js';
import { planDeployment } from '../runbooks/plan.js';
import { maskedValues, maskSecrets } from '../runbooks/secrets.js';
import { changeReason } from './change-reason.js';
import { DeploymentCoordinator } from './deployment-coordinator.js';
import { executionWaves } from './execution-waves.js';
import { runPlannedStep, type StepOutcome } from './step-runner.js';

type RunPhaseJob = JobPayloads['deployments:run-phase'];

const OUTPUT_LIMIT = 64 * 1024;
const TAIL_LINES = 20;
/** How long a step's result waits for PostgreSQL before the phase gives up (and its retry runs the step again). */
const RESULT_PATIENCE_MS = 5 * 60 * 1000;

interface PhaseContext {
  job: RunPhaseJob;
  deployment: { id: string; environmentId: string; dryRun: boolean };
  environment: EnvironmentForDeployment;
  phaseRunId: string;
  plan: PhasePlan;
  ledger: Map<string, StepRunRecord>;
  abort: AbortController;
  /** Stories that had work in this phase run (a step changed their host or failed): story.started is emitted once each. */
  storiesWithWork: Set<string>;
  failed: boolean;
  cancelled: boolean;
  transient?: SshError;
  /** This job's last attempt: a transient SSH error (node unreachable) now fails the step with its reason. */
  lastAttempt: boolean;
  mask: (text: string) => string;
}

/**
 * Runs one phase of one deployment: its steps per node, wave by wave, writing every step
 * result to PostgreSQL before moving on. A job taken over after a crash reads that ledger and
 * resumes at the first unfinished step; finished steps are never run again.
 */
@Injectable()
export class PhaseRunner implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('PhaseRunner');
  private readonly running = new Map<string, Set<AbortController>>();
  private stopListening: (() => Promise<void>) | undefined;
  private readonly settings: { nodeConcurrency: number; stepTimeoutMs: number; connectTimeoutMs: number };

  constructor(
    private readonly ledger: LedgerRepository,
    private readonly environments: EnvironmentsService,
    private readonly executor: SessionFactory,
    private readonly coordinator: DeploymentCoordinator,
    private readonly events: DeploymentEventBus,
    private readonly signals: DeploymentSignals,
    private readonly catalog: RunbookCatalog,
    private readonly runtime: Runtime,
  ) {
    const { PHASE_NODE_CONCURRENCY, STEP_TIMEOUT_MS, SSH_CONNECT_TIMEOUT_MS } = runtime.config.app;
    this.settings = { nodeConcurrency: PHASE_NODE_CONCURRENCY, stepTimeoutMs: STEP_TIMEOUT_MS, connectTimeoutMs: SSH_CONNECT_TIMEOUT_MS };
  }

  /** Cancel requests from any process abort the steps this process runs for that deployment. */
  async onModuleInit(): Promise<void> {
    if (!this.runtime.runWorkers) return;
    this.stopListening = await this.signals.onCancel((deploymentId) => {
      for (const controller of this.running.get(deploymentId) ?? []) controller.abort();
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.stopListening?.();
  }

  async run(job: RunPhaseJob, context: JobContext): Promise<void> {
    const found = await this.ledger.phaseJob(job.deploymentId, job.phaseKey);
    if (!found || found.deployment.finishedAt) return;
    const { deployment, phaseRun } = found;
    if (phaseRun.status !== 'pending' && phaseRun.status !== 'running') return this.coordinator.advance(deployment.id);
    if (deployment.status === 'cancelled') {
      // A phase left running by a worker that died ends with its interrupted step, not only its own row.
      if (phaseRun.status === 'running') await this.ledger.endAbandonedPhase(phaseRun.id, 'cancelled', null);
      else await this.ledger.finishPhase(phaseRun.id, 'cancelled', null);
      return this.coordinator.advance(deployment.id);
    }

    const environment = await this.environments.loadForDeployment({ id: deployment.environmentId });
    const base = {
      deploymentId: deployment.id,
      environmentId: environment.id,
      environmentName: environment.name,
      dryRun: deployment.dryRun,
    };
    if (await this.ledger.startDeployment(deployment.id))
      await this.emit({ ...base, type: 'deployment.started', phases: deployment.phases });
    if (phaseRun.status === 'pending') {
      await this.ledger.startPhase(phaseRun); // with its first heartbeat
      await this.emit({ ...base, type: 'phase.started', phaseKey: job.phaseKey });
    } else {
      await this.ledger.heartbeat(phaseRun.id);
    }

    // The phase's lease: while this ticks, the reconciler never takes the phase for orphaned.
    const heartbeat = setInterval(
      () => void this.ledger.heartbeat(phaseRun.id).catch(() => undefined),
      Math.max(200, Math.floor(this.runtime.config.app.JOB_LOCK_MS / 3)),
    );
    try {
      let plan: PhasePlan;
      try {
        plan = planDeployment(this.runbookOf(deployment.runbookKey), environment.inventory, environment.secrets, [job.phaseKey]).phases[0];
      } catch (error) {
        // The environment changed since the deployment was created and no longer plans.
        return this.finishPhase(
          base,
          phaseRun.id,
          job.phaseKey,
          'failed',
          `cannot plan phase ${job.phaseKey}: ${(error as Error).message}`,
        );
      }
      const ledgerRows = await this.ledger.steps(phaseRun.id);
      // The secrets and what is derived from them (hashes of files holding one) never leave the engine.
      const values = maskedValues(environment.secrets, plan.steps);
      const phase: PhaseContext = {
        job,
        deployment,
        environment,
        phaseRunId: phaseRun.id,
        plan,
        ledger: new Map(ledgerRows.map((row) => [`${row.node}/${row.stepKey}`, row])),
        abort: new AbortController(),
        storiesWithWork: new Set(ledgerRows.filter((row) => hadWork(row.status)).map((row) => row.storyKey)),
        failed: false,
        cancelled: false,
        lastAttempt: context.attemptsMade + 1 >= JOBS['deployments:run-phase'].options.attempts,
        mask: (text) => maskSecrets(text, values),
      };

      const controllers = this.running.get(deployment.id) ?? new Set();
      controllers.add(phase.abort);
      this.running.set(deployment.id, controllers);
      try {
        for (const wave of executionWaves(plan)) {
          await this.runWave(phase, wave, context);
          if (phase.failed || phase.cancelled || phase.transient) break;
          if (context.shutdown.aborted) throw new HandBackError();
        }
      } finally {
        controllers.delete(phase.abort);
        if (controllers.size === 0) this.running.delete(deployment.id);
      }

      // Let BullMQ retry the phase with backoff; the ledger makes the retry resume where this stopped.
      // (On the last attempt recordError has already failed the step, saying why.)
      if (phase.transient) throw phase.transient;
      const status = phase.cancelled ? 'cancelled' : phase.failed ? 'failed' : 'succeeded';
      const passed = this.passedStories(phase);
      if (status === 'succeeded')
        for (const storyKey of passed) await this.emit({ ...base, type: 'story.succeeded', phaseKey: job.phaseKey, storyKey });
      return this.finishPhase(base, phaseRun.id, job.phaseKey, status, undefined, {
        storiesWithWork: [...phase.storiesWithWork],
        storiesPassed: passed,
      });
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async runWave(phase: PhaseContext, wave: Map<string, PlannedStep[]>, context: JobContext): Promise<void> {
    const queue = [...wave.entries()];
    const workers = Array.from({ length: Math.min(this.settings.nodeConcurrency, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [nodeName, steps] = next;
        await this.runNodeSteps(phase, nodeName, steps, context);
      }
    });
    await Promise.all(workers);
  }

  private async runNodeSteps(phase: PhaseContext, nodeName: string, steps: PlannedStep[], context: JobContext): Promise<void> {
    const node = phase.environment.inventory.nodes.find((n) => n.name === nodeName)!;
    const rowOf = (step: PlannedStep) => {
      const row = phase.ledger.get(`${nodeName}/${step.key}`);
      if (!row) throw new Error(`step ${step.key} on ${nodeName} is not in the ledger of phase ${phase.job.phaseKey}`);
      return row;
    };
    const stopHere = () => phase.failed || phase.cancelled || phase.transient || phase.abort.signal.aborted || context.shutdown.aborted;
    let session: NodeSession | undefined;
    // The step the previous step's result already started (same commit), if any.
    let prestarted: StepRunRecord | undefined;
    for (const [index, step] of steps.entries()) {
      const row = rowOf(step);
      if (isDoneStep(row.status)) continue;
      if (!prestarted && stopHere()) {
        if (phase.abort.signal.aborted) phase.cancelled = true;
        return;
      }
      const started = prestarted ?? (await this.markStarted(phase, row, step));
      prestarted = undefined;
      let outcome: StepOutcome;
      try {
        session ??= await this.executor.session(this.targetFor(phase.environment, node));
        outcome = await runPlannedStep(step, session, {
          dryRun: phase.deployment.dryRun,
          beforeChange: () => this.storyHasWork(phase, step),
          timeoutMs: this.settings.stepTimeoutMs,
          signal: phase.abort.signal,
          onStdout: (line) => this.publishLine(phase, step, 'stdout', line),
          onStderr: (line) => this.publishLine(phase, step, 'stderr', line),
        });
      } catch (error) {
        await this.recordError(phase, started, step, error);
        return;
      }
      // The node's next step to run, started in the commit that records this one, when the runner
      // goes on: same checks as at the top of the loop, made at the same point (before the write).
      const nextStep = steps.slice(index + 1).find((s) => !isDoneStep(rowOf(s).status));
      const next = outcome.status !== 'failed' && nextStep && !stopHere() ? { step: nextStep, row: rowOf(nextStep) } : undefined;
      prestarted = await this.recordOutcome(phase, started, step, outcome, next);
      if (outcome.status === 'failed') return;
    }
  }

  private targetFor(environment: EnvironmentForDeployment, node: InventoryNode): SshTarget {
    return {
      name: node.name,
      host: node.ssh.host,
      port: node.ssh.port,
      username: node.ssh.user,
      privateKey: environment.sshPrivateKey,
      hostKeyFingerprint: node.ssh.hostKeyFingerprint,
      trustOnFirstUse: environment.trustOnFirstUse,
      connectTimeoutMs: this.settings.connectTimeoutMs,
      onHostKeyLearned: async (fingerprint) => {
        this.logger.warn(`trust on first use: pinned ${node.name} host key ${fingerprint}`);
        await this.environments.recordHostKey(environment.id, node.name, fingerprint);
        node.ssh.hostKeyFingerprint = fingerprint;
      },
    };
  }

  /** The row returned carries this attempt's own start, so its duration is the attempt's alone. */
  private async markStarted(phase: PhaseContext, row: StepRunRecord, step: PlannedStep): Promise<StepRunRecord> {
    const started = await this.ledger.startStep(row);
    phase.ledger.set(`${step.node}/${step.key}`, started);
    this.publishLine(phase, step, 'status', `▶ ${step.title}`);
    return started;
  }

  /** The step's guard found the host not right: its story starts (once per phase run), saying what changes. */
  private async storyHasWork(phase: PhaseContext, step: PlannedStep): Promise<void> {
    if (phase.storiesWithWork.has(step.storyKey)) return;
    phase.storiesWithWork.add(step.storyKey);
    await this.emit({
      ...this.base(phase),
      type: 'story.started',
      phaseKey: phase.job.phaseKey,
      storyKey: step.storyKey,
      node: step.node,
      stepKey: step.key,
      stepTitle: step.title,
      change: phase.mask(changeReason(step)),
    });
  }

  /** Returns the next step's row when `next` was started in the same commit. */
  private async recordOutcome(
    phase: PhaseContext,
    started: StepRunRecord,
    step: PlannedStep,
    outcome: StepOutcome,
    next?: { step: PlannedStep; row: StepRunRecord },
  ): Promise<StepRunRecord | undefined> {
    const artifacts = outcome.artifacts.map((artifact) => ({
      kind: artifact.kind,
      name: artifact.name,
      language: artifact.language ?? null,
      content: phase.mask(artifact.content),
      data: artifact.data ? JSON.parse(phase.mask(JSON.stringify(artifact.data))) : undefined,
    }));
    // Masked whole, then cut: a secret where the cut falls would otherwise keep its end visible.
    const stdout = tail(phase.mask(outcome.stdout));
    const stderr = tail(phase.mask(outcome.stderr));
    // One commit: the step's result and its evidence are written before the job moves on, with the
    // start of the node's next step (one WAL flush per step instead of two).
    // PostgreSQL away: wait for it rather than fail the job, whose retry would run the step again on the host.
    const { finished: fresh, next: nextStarted } = await persistThroughOutage(
      () =>
        this.ledger.finishStep(
          started,
          {
            status: outcome.status,
            exitCode: outcome.exitCode,
            guard: outcome.guard === null ? null : phase.mask(outcome.guard),
            command: outcome.commands.length === 0 ? null : phase.mask(outcome.commands.join('\n')),
            stdout,
            stderr,
          },
          artifacts,
          phase.job.phaseKey,
          next?.row,
        ),
      RESULT_PATIENCE_MS,
    );
    phase.ledger.set(`${step.node}/${step.key}`, fresh);
    observeStep(phase.job.phaseKey, fresh);
    this.publishLine(phase, step, 'status', `${outcome.status === 'failed' ? '✗' : '✓'} ${step.title}: ${outcome.status}`);
    if (outcome.status === 'failed') await this.failStep(phase, step, outcome.exitCode, `${stdout}${stderr}`);
    if (!next || !nextStarted) return undefined;
    phase.ledger.set(`${next.step.node}/${next.step.key}`, nextStarted);
    this.publishLine(phase, next.step, 'status', `▶ ${next.step.title}`);
    return nextStarted;
  }

  private async recordError(phase: PhaseContext, started: StepRunRecord, step: PlannedStep, error: unknown): Promise<void> {
    const message = phase.mask(error instanceof Error ? error.message : String(error));
    const cancelled = error instanceof SshError && error.code === 'cancelled';
    const transient = error instanceof SshError && error.transient && !phase.abort.signal.aborted && !phase.lastAttempt;
    const status = cancelled || phase.abort.signal.aborted ? 'cancelled' : transient ? 'pending' : 'failed';
    const fresh = await persistThroughOutage(() => this.ledger.stopStep(started, status, `${message}\n`), RESULT_PATIENCE_MS);
    phase.ledger.set(`${step.node}/${step.key}`, fresh);
    observeStep(phase.job.phaseKey, fresh);
    this.publishLine(phase, step, 'status', `✗ ${step.title}: ${message}`);
    if (status === 'cancelled') phase.cancelled = true;
    else if (status === 'pending') phase.transient = error as SshError;
    else await this.failStep(phase, step, null, message);
  }

  private async failStep(phase: PhaseContext, step: PlannedStep, exitCode: number | null, output: string): Promise<void> {
    phase.failed = true;
    phase.storiesWithWork.add(step.storyKey);
    // Without an exit code the step never ran to the end (node unreachable, connection lost): the reason is the error itself.
    const why = exitCode === null ? `: ${output.trim().split('\n')[0]}` : ` with exit code ${exitCode}`;
    const summary = `step "${step.title}" (${step.key}) failed on ${step.node}${why}`;
    await this.ledger.explainFailure(phase.deployment.id, summary);
    await this.emit({
      ...this.base(phase),
      type: 'story.failed',
      phaseKey: phase.job.phaseKey,
      storyKey: step.storyKey,
      node: step.node,
      stepKey: step.key,
      stepTitle: step.title,
      exitCode,
      outputTail: output.trimEnd().split('\n').slice(-TAIL_LINES).join('\n'),
    });
  }

  /** Stories whose steps all passed on every node. */
  private passedStories(phase: PhaseContext): string[] {
    return phase.plan.phase.stories
      .map((story) => story.key)
      .filter((storyKey) => {
        const rows = [...phase.ledger.values()].filter((row) => row.storyKey === storyKey);
        return rows.length > 0 && rows.every((row) => isDoneStep(row.status));
      });
  }

  private async finishPhase(
    base: ReturnType<PhaseRunner['base']>,
    phaseRunId: string,
    phaseKey: string,
    status: 'succeeded' | 'failed' | 'cancelled',
    error?: string,
    stories: { storiesWithWork: string[]; storiesPassed: string[] } = { storiesWithWork: [], storiesPassed: [] },
  ): Promise<void> {
    await this.ledger.finishPhase(phaseRunId, status, error ?? null);
    if (error) await this.ledger.explainFailure(base.deploymentId, error);
    await this.emit({ ...base, type: 'phase.finished', phaseKey, status, ...stories });
    await this.coordinator.advance(base.deploymentId);
  }

  private base(phase: PhaseContext) {
    return {
      deploymentId: phase.deployment.id,
      environmentId: phase.environment.id,
      environmentName: phase.environment.name,
      dryRun: phase.deployment.dryRun,
    };
  }

  private async emit(event: DeploymentEventInput): Promise<void> {
    await this.events.emit(event);
  }

  private publishLine(phase: PhaseContext, step: PlannedStep, stream: 'stdout' | 'stderr' | 'status', line: string): void {
    this.signals.publishLog({
      deploymentId: phase.deployment.id,
      phaseKey: phase.job.phaseKey,
      node: step.node,
      stepKey: step.key,
      stream,
      line: phase.mask(line),
      at: new Date().toISOString(),
    });
  }

  private runbookOf(key: string) {
    const runbook = this.catalog.get(key);
    if (!runbook) throw new Error(`runbook ${key} is not in this build`);
    return runbook;
  }
}

/** A step that changed its host or failed: its story had work in this run (also when the phase resumes after a crash). */
const hadWork = (status: string) => status === 'changed' || status === 'failed';

function tail(text: string): string {
  return text.length <= OUTPUT_LIMIT ? text : `[… ${text.length - OUTPUT_LIMIT} bytes cut]\n${text.slice(-OUTPUT_LIMIT)}`;
}

/** A finished step in /metrics: counted by phase and outcome, its duration in the phase's histogram. */
function observeStep(phaseKey: string, step: StepRunRecord): void {
  if (step.status === 'pending' || step.status === 'running') return; // a transient failure: retried, not finished
  metrics.steps.inc({ phase: phaseKey, status: step.status });
  const ms = step.durationMs ?? (step.startedAt && step.finishedAt ? step.finishedAt.getTime() - step.startedAt.getTime() : null);
  if (ms !== null) metrics.stepDuration.observe({ phase: phaseKey, status: step.status }, ms / 1000);
}
