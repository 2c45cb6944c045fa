import { setImmediate as tick } from 'node:timers/promises';
import { commandContext, holdCommandContexts } from './command-context.js';

describe('lab command contexts', () => {
  it('stay on while any lab node still serves, and carry a command context across awaits', async () => {
    const store = commandContext<string>();
    const first = holdCommandContexts();
    const second = holdCommandContexts();
    const seen = await store.run('alice', async () => {
      first();
      await tick();
      return store.getStore();
    });
    expect(seen).toBe('alice');
    second();
  });

  it('switch off when the last node stops, and work again for the next lab', async () => {
    const store = commandContext<string>();
    const release = holdCommandContexts();
    const afterStop = await store.run('bob', async () => {
      release();
      await tick();
      return store.getStore();
    });
    // Switched off: the process no longer tracks this context (a stopped lab runs no commands).
    expect(afterStop).toBeUndefined();

    const again = holdCommandContexts();
    const next = await store.run('carol', async () => {
      await tick();
      return store.getStore();
    });
    expect(next).toBe('carol');
    again();
  });
});
