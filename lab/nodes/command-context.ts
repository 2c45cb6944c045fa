import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The AsyncLocalStorage instances that carry a lab command's context (who runs it, which SSH
 * channel it came from), switched off while no lab node serves.
 *
 * On Node 20 an enabled AsyncLocalStorage stays in a process-wide list until disable(), and every
 * promise the process creates afterwards is handed to each instance in that list. A Jest worker
 * evaluates this module once per test file, so without disable() each lab test file left two
 * more instances behind, and every later file in that worker (lab or not) paid for all of them
 * on every promise. run() enables an instance again, so a new lab simply starts using it.
 */
const stores: AsyncLocalStorage<unknown>[] = [];
let servingNodes = 0;

export function commandContext<T>(): AsyncLocalStorage<T> {
  const store = new AsyncLocalStorage<T>();
  stores.push(store as AsyncLocalStorage<unknown>);
  return store;
}

/** Held by a lab node from start to stop; the last one released switches the contexts off. */
export function holdCommandContexts(): () => void {
  servingNodes++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--servingNodes === 0) for (const store of stores) store.disable();
  };
}
