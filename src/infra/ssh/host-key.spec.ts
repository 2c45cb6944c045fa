import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decideHostKey, openSshFingerprint } from './host-key.js';

const run = promisify(execFile);

describe('openSshFingerprint', () => {
  it('matches what ssh-keygen prints for the same key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsprint-fp-'));
    try {
      await run('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', join(dir, 'k')]);
      const blob = Buffer.from((await readFile(join(dir, 'k.pub'), 'utf8')).split(' ')[1], 'base64');
      const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'k.pub')]);
      expect(openSshFingerprint(blob)).toBe(stdout.split(' ')[1]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('decideHostKey', () => {
  const presented = 'SHA256:abc';
  it('accepts the pinned key, also when the pin carries base64 padding', () => {
    expect(decideHostKey(presented, 'SHA256:abc', false)).toEqual({ accept: true });
    expect(decideHostKey(presented, 'SHA256:abc=', false)).toEqual({ accept: true });
  });
  it('refuses another key, naming both fingerprints', () => {
    const decision = decideHostKey(presented, 'SHA256:xyz', true);
    expect(decision).toEqual({ accept: false, reason: expect.stringMatching(/expected SHA256:xyz, presented SHA256:abc/) });
  });
  it('refuses an unpinned host unless trust-on-first-use is on, then learns the key', () => {
    expect(decideHostKey(presented, undefined, false)).toMatchObject({ accept: false });
    expect(decideHostKey(presented, undefined, true)).toEqual({ accept: true, learned: presented });
  });
});
