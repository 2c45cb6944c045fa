import { Logger } from '@nestjs/common';
import type { DeploymentEvent, DeploymentEventListener } from './deployment-events.js';

/** Hands each event to every listener; a listener's failure is logged, never the deployment's. */
export class DeploymentEventBus {
  private readonly logger = new Logger('DeploymentEvents');
  private readonly listeners: DeploymentEventListener[] = [];

  subscribe(listener: DeploymentEventListener): void {
    this.listeners.push(listener);
  }

  async emit(event: DeploymentEvent): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener.onDeploymentEvent(event);
      } catch (error) {
        this.logger.warn(`listener failed on ${event.type}: ${(error as Error).message}`);
      }
    }
  }
}
