import { Injectable, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { NotFoundError } from '../common/errors.js';
import { EnvironmentsService } from '../environments/environments.service.js';
import type { LogLine } from '../infra/signals/deployment-signals.js';
import { isClosedDeployment } from '../persistence/ledger-status.js';
import { DeploymentRepository } from '../persistence/repositories/deployment.repository.js';
import { maskSecrets } from '../runbooks/secrets.js';
import { DeploymentLogHub, type LogEnd } from './deployment-log-hub.js';

const lineKey = (line: LogLine) => `${line.stream}|${line.phaseKey}|${line.node}|${line.stepKey}|${line.line}`;

/**
 * A deployment's log as Server-Sent Events: a `deployment` event with the current status, the
 * status lines of the steps already finished (from the ledger, so a late client sees progress),
 * then live lines (default `message` events, data = LogLine JSON), and an `end` event once the
 * deployment is closed (after a cancel: once its worker has stopped and recorded the step). Live
 * lines and the end come from the process's one shared subscription per deployment
 * (DeploymentLogHub); the replay is read once per stream. Live lines are masked
 * again here: a second line of defence.
 */
@Injectable()
export class DeploymentLogStream {
  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly hub: DeploymentLogHub,
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
      let detach: (() => void) | undefined;
      // What the hub delivers while the ledger is replayed waits, so the order stays ledger first, then live.
      let pending: ({ line: LogLine } | { end: LogEnd })[] | undefined = [];
      // Status lines sent so far: the end must not overtake a step's last line (see finishLive).
      const sent = new Set<string>();
      // `replayed`: rebuilt from the ledger, not live. A client that reconnects gets the finished
      // steps again and can tell them from new lines (the dashboard shows each once).
      const send = (line: LogLine, replayed = false) => {
        if (line.stream === 'status') sent.add(lineKey(line));
        subscriber.next({ data: replayed ? { ...mask(line), replayed: true } : mask(line) });
      };
      const finish = (end: LogEnd) => {
        subscriber.next({ type: 'end', data: end });
        subscriber.complete();
      };
      // The end is read from PostgreSQL, a step's last status line travels over Redis: the line of a
      // step stopped as the deployment ended (a cancel) can still be on its way. The ledger has every
      // finished step, so its lines not sent yet go out before the end.
      let ending = false;
      const finishLive = (end: LogEnd) => {
        if (ending) return;
        ending = true;
        this.finishedStepLines(deploymentId).then(
          (lines) => {
            if (closed) return;
            for (const line of lines) if (!sent.has(lineKey(line))) send(line, true);
            finish(end);
          },
          (error: unknown) => subscriber.error(error),
        );
      };

      const start = async () => {
        // A closed deployment needs no live feed: its ledger is complete. A cancelled one that is not
        // closed yet still has a step being stopped, whose last line the stream must not miss.
        const final = isClosedDeployment(deployment);
        if (!final) {
          detach = await this.hub.attach(deploymentId, {
            line: (line) => (pending ? pending.push({ line }) : send(line)),
            end: (end) => (pending ? pending.push({ end }) : finishLive(end)),
            close: () => subscriber.complete(),
          });
          if (closed) return detach();
        }
        subscriber.next({ type: 'deployment', data: { id: deploymentId, status: deployment.status } });
        const replayed = await this.finishedStepLines(deploymentId);
        if (closed) return;
        for (const line of replayed) send(line, true);
        if (final) return finish({ status: deployment.status, error: deployment.error ?? null });
        // A step that finished during the replay is both in the ledger and in the live buffer.
        const seen = new Set(replayed.map(lineKey));
        const waiting = pending ?? [];
        pending = undefined;
        for (const item of waiting) {
          if ('end' in item) return finishLive(item.end);
          if (!seen.has(lineKey(item.line))) send(item.line);
        }
      };
      start().catch((error) => subscriber.error(error));

      return () => {
        closed = true;
        detach?.();
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
