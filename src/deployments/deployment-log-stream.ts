import { Injectable, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { NotFoundError } from '../common/errors.js';
import { EnvironmentsService } from '../environments/environments.service.js';
import { DeploymentSignals, type LogLine } from '../infra/signals/deployment-signals.js';
import { isFinalDeployment } from '../persistence/ledger-status.js';
import { DeploymentRepository } from '../persistence/repositories/deployment.repository.js';
import { maskSecrets } from '../runbooks/secrets.js';

const POLL_MS = 1000;
const lineKey = (line: LogLine) => `${line.stream}|${line.phaseKey}|${line.node}|${line.stepKey}|${line.line}`;

/**
 * A deployment's log as Server-Sent Events: a `deployment` event with the current status, the
 * status lines of the steps already finished (from the ledger, so a late client sees progress),
 * then live lines (default `message` events, data = LogLine JSON), and an `end` event once the
 * deployment has finished. Live lines are masked again here: a second line of defence.
 */
@Injectable()
export class DeploymentLogStream {
  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly signals: DeploymentSignals,
    private readonly environments: EnvironmentsService,
  ) {}

  async open(deploymentId: string): Promise<Observable<MessageEvent>> {
    const deployment = await this.deployments.find(deploymentId);
    if (!deployment) throw new NotFoundError(`deployment ${deploymentId} does not exist`);
    const { secrets, sshPrivateKey } = await this.environments.loadForDeployment({ id: deployment.environmentId });
    const mask = (line: LogLine): LogLine => ({
      ...line,
      line: maskSecrets(line.line, { ...secrets, SSH_PRIVATE_KEY: sshPrivateKey } as typeof secrets),
    });

    return new Observable<MessageEvent>((subscriber) => {
      let closed = false;
      let stopLive: (() => Promise<void>) | undefined;
      let timer: NodeJS.Timeout | undefined;
      let checking = false;
      // Lines arriving while the ledger is replayed wait, so the order stays ledger first, then live.
      let pending: LogLine[] | undefined = [];
      const send = (line: LogLine) => subscriber.next({ data: mask(line) });

      const checkFinished = async () => {
        if (checking || closed) return;
        checking = true;
        try {
          const current = await this.deployments.find(deploymentId);
          if (!current || isFinalDeployment(current.status)) {
            subscriber.next({ type: 'end', data: { status: current?.status ?? 'deleted', error: current?.error ?? null } });
            subscriber.complete();
          }
        } finally {
          checking = false;
        }
      };

      const start = async () => {
        stopLive = await this.signals.onLog(deploymentId, (line) => (pending ? pending.push(line) : send(line)));
        if (closed) return stopLive();
        subscriber.next({ type: 'deployment', data: { id: deploymentId, status: deployment.status } });
        const replayed = await this.finishedStepLines(deploymentId);
        replayed.forEach(send);
        // A step that finished during the replay is both in the ledger and in the live buffer.
        const seen = new Set(replayed.map(lineKey));
        const waiting = pending ?? [];
        pending = undefined;
        waiting.filter((line) => !seen.has(lineKey(line))).forEach(send);
        timer = setInterval(() => checkFinished().catch((error) => subscriber.error(error)), POLL_MS);
        await checkFinished();
      };
      start().catch((error) => subscriber.error(error));

      return () => {
        closed = true;
        clearInterval(timer);
        stopLive?.().catch(() => undefined);
      };
    });
  }

  /** The status line each finished step published while it ran, rebuilt from the ledger. */
  private async finishedStepLines(deploymentId: string): Promise<LogLine[]> {
    const steps = await this.deployments.finishedSteps(deploymentId);
    return steps.map((step) => ({
      deploymentId,
      phaseKey: step.phaseRun.phaseKey,
      node: step.node,
      stepKey: step.stepKey,
      stream: 'status' as const,
      line: `${step.status === 'failed' || step.status === 'cancelled' ? '✗' : '✓'} ${step.title}: ${step.status}`,
      at: (step.finishedAt ?? step.startedAt ?? new Date()).toISOString(),
    }));
  }
}
