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

describe('two lab command contexts', () => {
  it('nest without touching each other, inside and after', async () => {
    const user = commandContext<string>();
    const channel = commandContext<number>();
    const release = holdCommandContexts();
    const seen = await user.run('alice', () =>
      channel.run(7, async () => {
        await tick();
        const inner = await user.run('root', async () => [user.getStore(), channel.getStore()]);
        return { inner, after: [user.getStore(), channel.getStore()] };
      }),
    );
    expect(seen).toEqual({ inner: ['root', 7], after: ['alice', 7] });
    expect([user.getStore(), channel.getStore()]).toEqual([undefined, undefined]);
    release();
  });
});
