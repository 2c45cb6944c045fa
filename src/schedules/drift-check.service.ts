import { Injectable, Logger, Optional } from '@nestjs/common';
import { ConflictError, InputError } from '../common/errors.js';
import { Runtime } from '../config/runtime.js';
import { DeploymentsService } from '../deployments/deployments.service.js';
import type { DriftFinding } from '../integrations/jira/drift-comment.js';
import { JiraDriftReopen } from '../integrations/jira/drift-reopen.service.js';
import type { JsonValue, PhaseDriftRecord } from '../persistence/records.js';
import { DeploymentRepository } from '../persistence/repositories/deployment.repository.js';
import { DriftRepository } from '../persistence/repositories/drift.repository.js';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository.js';
import { RunbookCatalog } from '../runbooks/catalog.js';
import { type FiringResult, ScheduleFirings } from './schedule-firings.js';
import { DRIFT_CHECK_REQUESTER } from './schedule-keys.js';

/** The phases whose latest real run succeeded: what the environment is supposed to hold now. */
export function finishedPhases(history: { phaseKey: string; status: string }[]): string[] {
  const latest = new Map<string, string>();
  // History is newest first: the first run seen of a phase is its latest.
  for (const run of history) if (!latest.has(run.phaseKey)) latest.set(run.phaseKey, run.status);
  return [...latest].filter(([, status]) => status === 'succeeded').map(([phaseKey]) => phaseKey);
}

/** A phase's findings as stored and shown: the steps that no longer hold. */
const asFindings = (row: PhaseDriftRecord | null): DriftFinding[] =>
  row?.drifted && Array.isArray(row.findings) ? (row.findings as unknown as DriftFinding[]) : [];

const findingKey = (f: Pick<DriftFinding, 'storyKey' | 'stepKey' | 'node'>) => `${f.storyKey}\u0000${f.stepKey}\u0000${f.node}`;

/**
 * The drift check: re-runs the checks of every finished phase of each environment in check mode
 * (the engine's dry run: guards, file hashes and verification tables, nothing changed, no JIRA or
 * Confluence record touched by the run itself). When the run ends, a step its check finds no longer
 * as the runbook left it (`would_change`) marks its phase drifted, and each newly drifted story is
 * reopened in JIRA with a comment. A later check, or a real run, in which the phase passes clears it.
 */
@Injectable()
export class DriftCheckService {
  private readonly logger = new Logger('DriftCheck');

  constructor(
    private readonly environments: EnvironmentRepository,
    private readonly deploymentRows: DeploymentRepository,
    private readonly deployments: DeploymentsService,
    private readonly drift: DriftRepository,
    private readonly catalog: RunbookCatalog,
    private readonly firings: ScheduleFirings,
    private readonly runtime: Runtime,
    @Optional() private readonly jira?: JiraDriftReopen,
  ) {}

  /** One firing: a check-mode run per idle environment that has finished phases; a busy one is skipped and says why. */
  async check(fireKey: string): Promise<FiringResult> {
    return this.firings.fire('drift-check', fireKey, async () => {
      if (!this.runtime.config.schedules.driftCheck.enabled)
        return { outcome: 'skipped', reason: 'the drift check is off (DRIFT_CHECK_ENABLED=false)' };
      const report: JsonValue[] = [];
      const started: string[] = [];
      for (const environment of await this.environments.list()) {
        for (const runbook of this.catalog.values()) {
          const phases = finishedPhases(await this.deploymentRows.phaseHistory(environment.id, runbook.key));
          if (phases.length === 0) continue;
          try {
            const run = await this.deployments.create({
              environment: environment.name,
              runbook: runbook.key,
              phases,
              dryRun: true,
              trigger: 'schedule',
              requester: DRIFT_CHECK_REQUESTER,
            });
            started.push(run.id);
            report.push({ environment: environment.name, runbook: runbook.key, phases, deploymentId: run.id });
          } catch (error) {
            // A busy environment (a deployment, or the previous check still running) is checked next time: nothing queues up.
            if (!(error instanceof ConflictError) && !(error instanceof InputError)) throw error;
            report.push({ environment: environment.name, runbook: runbook.key, phases, skipped: error.message });
          }
        }
      }
      if (started.length === 0) {
        const reasons = report.map((r) => `${(r as { environment: string }).environment}: ${(r as { skipped?: string }).skipped}`);
        return {
          outcome: 'skipped',
          reason: reasons.length > 0 ? reasons.join('; ') : 'no environment has a finished phase',
          detail: report,
        };
      }
      return { outcome: 'done', deploymentId: started.length === 1 ? started[0] : undefined, detail: report };
    });
  }

  /**
   * After any deployment ends: a drift check's run records each phase it judged (drifted or not) and
   * reopens newly drifted stories; a real run clears the drift of every phase that succeeded in it.
   */
  async record(deploymentId: string): Promise<{ drifted: string[]; cleared: string[]; reopened: string[] }> {
    const result = { drifted: [] as string[], cleared: [] as string[], reopened: [] as string[] };
    const deployment = await this.deploymentRows.detail(deploymentId);
    if (!deployment?.finishedAt) return result;
    const at = deployment.finishedAt;
    if (!deployment.dryRun) {
      const succeeded = deployment.phaseRuns.filter((p) => p.status === 'succeeded').map((p) => p.phaseKey);
      result.cleared = await this.drift.clearAfterRun(deployment.environmentId, deployment.runbookKey, succeeded, deployment.id, at);
      return result;
    }
    if (deployment.requester !== DRIFT_CHECK_REQUESTER) return result;
    for (const phaseRun of deployment.phaseRuns) {
      const steps = deployment.stepRuns.filter((s) => s.phaseRunId === phaseRun.id);
      // Judged only when every check ran to an answer: a step that failed or never ran (node unreachable, cancelled) says nothing.
      if (phaseRun.status !== 'succeeded' || steps.some((s) => s.status !== 'ok' && s.status !== 'would_change')) continue;
      const findings: DriftFinding[] = [];
      for (const step of steps.filter((s) => s.status === 'would_change')) {
        findings.push({
          storyKey: step.storyKey,
          stepKey: step.stepKey,
          node: step.node,
          title: step.title,
          status: step.status,
          ...(step.kind === 'verify' ? { note: await this.verificationNote(deployment.id, step.id) } : {}),
        });
      }
      // JIRA first, then the record: a JIRA failure retries the job, which must still see these findings as new.
      const before = await this.drift.find(deployment.environmentId, deployment.runbookKey, phaseRun.phaseKey);
      const known = new Set(asFindings(before).map(findingKey));
      const fresh = findings.filter((f) => !known.has(findingKey(f)));
      if (fresh.length > 0 && this.jira) {
        const stories = [...new Set(fresh.map((f) => f.storyKey))].map((storyKey) => ({
          storyKey,
          findings: fresh.filter((f) => f.storyKey === storyKey),
        }));
        result.reopened.push(
          ...(await this.jira.reopen({
            environmentId: deployment.environmentId,
            environmentName: deployment.environment.name,
            phaseKey: phaseRun.phaseKey,
            deploymentId: deployment.id,
            at: at.toISOString(),
            stories,
          })),
        );
      }
      const recorded = await this.drift.recordCheck({
        environmentId: deployment.environmentId,
        runbookKey: deployment.runbookKey,
        phaseKey: phaseRun.phaseKey,
        findings: findings as unknown as JsonValue[],
        deploymentId: deployment.id,
        at,
      });
      if (recorded.after.drifted) result.drifted.push(phaseRun.phaseKey);
      else if (recorded.before?.drifted) result.cleared.push(phaseRun.phaseKey);
    }
    if (result.drifted.length > 0) this.logger.warn(`${deployment.environment.name}: drift in ${result.drifted.join(', ')}`);
    return result;
  }

  /** Drift per phase of an environment, as the API shows it. */
  ofEnvironment(environmentId: string): Promise<PhaseDriftRecord[]> {
    return this.drift.ofEnvironment(environmentId);
  }

  /** The line a check-mode verification writes about what does not hold ("not yet true: …"), already masked by the ledger. */
  private async verificationNote(deploymentId: string, stepRunId: string): Promise<string | undefined> {
    const output = await this.deploymentRows.stepOutput(deploymentId, stepRunId);
    const line = output?.stdout
      ?.split('\n')
      .reverse()
      .find((l) => l.startsWith('not yet true:'));
    return line?.slice(0, 300);
  }
}
