import type { JobName, JobPayloads } from './jobs.js';

export const ON_JOB = Symbol('opsprint:on-job');

export interface JobContext {
  id: string;
  attemptsMade: number;
  /** Aborted when this process shuts down: finish the current step, then throw HandBackError. */
  shutdown: AbortSignal;
}

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], context: JobContext) => Promise<unknown>;

/**
 * Declares the method that runs a job, next to its logic. Handlers are collected once at
 * start-up; a job with no handler or two stops start-up. The payload type follows the name.
 */
export function OnJob<N extends JobName>(name: N) {
  return <T extends JobHandler<N>>(_target: object, _key: string | symbol, descriptor: TypedPropertyDescriptor<T>): void => {
    Reflect.defineMetadata(ON_JOB, name, descriptor.value as object);
  };
}

/** Thrown by a handler that stops early on shutdown: the job goes back to the queue for another worker. */
export class HandBackError extends Error {
  constructor() {
    super('job handed back on shutdown');
  }
}

/**
 * Thrown by a handler whose job cannot succeed on a retry (the external system refused it for
 * good: removed API, wrong credentials, missing permission). The job fails at once, whatever
 * attempts its options allow, with this message as its failed reason.
 */
export class FinalJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FinalJobError';
  }
}
