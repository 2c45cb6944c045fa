import { onceUnlessFailed } from './once-unless-failed.js';

describe('onceUnlessFailed', () => {
  it('makes the value once and gives every caller the same promise', async () => {
    let made = 0;
    const get = onceUnlessFailed(async () => ++made);
    const [a, b] = await Promise.all([get(), get()]);
    expect([a, b, await get(), made]).toEqual([1, 1, 1, 1]);
  });

  it('does not keep a failure: the next call tries again', async () => {
    let calls = 0;
    const get = onceUnlessFailed(async () => {
      calls++;
      if (calls === 1) throw new Error('not yet');
      return 'ready';
    });
    await expect(get()).rejects.toThrow('not yet');
    expect(await get()).toBe('ready');
    expect(await get()).toBe('ready');
    expect(calls).toBe(2);
  });
});
