import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { decoratedMethods } from '../discovery/discover.js';
import type { DeploymentEvent, DeploymentEventInput } from './deployment-events.js';

const ON_DEPLOYMENT_EVENT = Symbol('opsprint:on-deployment-event');

/**
 * Marks a method that follows deployment events (JIRA sync, Confluence publishing, reports).
 * It should only enqueue: it runs inside the engine's step loop.
 */
export function OnDeploymentEvent(): <T extends (event: DeploymentEvent) => Promise<void>>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<T>,
) => void {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(ON_DEPLOYMENT_EVENT, true, descriptor.value as object);
  };
}

/** Hands each event to every follower; a follower's failure is logged, never the deployment's. */
@Injectable()
export class DeploymentEventBus implements OnModuleInit {
  private readonly logger = new Logger('DeploymentEvents');
  private listeners: { name: string; call: (event: DeploymentEvent) => Promise<void> }[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    this.listeners = decoratedMethods<true>(this.discovery, this.scanner, ON_DEPLOYMENT_EVENT).map((method) => ({
      name: method.name,
      call: method.call as (event: DeploymentEvent) => Promise<void>,
    }));
  }

  /** Stamps the event with the time and hands it on. */
  async emit(input: DeploymentEventInput): Promise<void> {
    const event = { ...input, at: new Date().toISOString() } as DeploymentEvent;
    for (const listener of this.listeners) {
      try {
        await listener.call(event);
      } catch (error) {
        this.logger.warn(`${listener.name} failed on ${event.type}: ${(error as Error).message}`);
      }
    }
  }
}
