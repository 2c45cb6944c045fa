import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The context a lab command carries across its async work (who runs it, which SSH channel it
 * came from), switched off while no lab node serves.
 *
 * Every context lives in one AsyncLocalStorage. On Node 20 each enabled instance is handed every
 * promise the process creates: the lab's commands, but also Prisma, pg, BullMQ and the rest of
 * a test's process. A second instance doubled that cost, which was a few percent of a full
 * deployment's CPU. An enabled instance stays in a process-wide list until disable(), and a Jest
 * worker evaluates this module once per test file: without disable() every lab test file left
 * its instance behind, and every later file in that worker paid for it. run() enables it again,
 * so a new lab simply starts using it.
 */
const storage = new AsyncLocalStorage<ReadonlyMap<symbol, unknown>>();
let servingNodes = 0;

export interface CommandContext<T> {
  getStore(): T | undefined;
  /** Runs `work` with this context set to `value`; the other contexts stay as they are. */
  run<R>(value: T, work: () => R): R;
}

export function commandContext<T>(): CommandContext<T> {
  const key = Symbol('lab command context');
  return {
    getStore: () => storage.getStore()?.get(key) as T | undefined,
    run: (value, work) => storage.run(new Map(storage.getStore()).set(key, value), work),
  };
}

/** Held by a lab node from start to stop; the last one released switches the contexts off. */
export function holdCommandContexts(): () => void {
  servingNodes++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--servingNodes === 0) storage.disable();
  };
}
