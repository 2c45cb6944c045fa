import { spawn } from 'node:child_process';
import { FramedStreamReader, frameStep, MAX_SCRIPT_BYTES } from './step-framing.js';

const ID = 'abc123';
const outMarker = (code: number) => `\n__OPSPRINT_END_${ID}_${code}__\n`;
const errMarker = `\n__OPSPRINT_END_${ID}__\n`;

function readInChunks(stream: 'stdout' | 'stderr', wire: string, cut: number[]) {
  const lines: string[] = [];
  const reader = new FramedStreamReader(ID, stream, (line) => lines.push(line));
  let at = 0;
  let done = false;
  for (const end of [...cut, wire.length]) {
    done = reader.push(wire.slice(at, end));
    at = end;
  }
  return { done, text: reader.text, lines, exitCode: reader.exitCode };
}

describe('FramedStreamReader', () => {
  const cases: Array<[string, string, string[]]> = [
    ['a\nb\n', 'a\nb\n', ['a', 'b']],
    ['no newline', 'no newline', ['no newline']],
    ['', '', []],
    ['\n\nx\n\n', '\n\nx\n\n', ['', '', 'x', '']],
    ['looks like __OPSPRINT_END_other_1__\n', 'looks like __OPSPRINT_END_other_1__\n', ['looks like __OPSPRINT_END_other_1__']],
    [`\n__OPSPRINT_END_${ID}_x\n`, `\n__OPSPRINT_END_${ID}_x\n`, ['', `__OPSPRINT_END_${ID}_x`]],
  ];

  it.each(cases)('reads %j the same however the stream is cut', (content, text, lines) => {
    const wire = `${content + outMarker(42)}late text after the marker`;
    for (let cut = 0; cut <= wire.length; cut++) {
      for (const second of [cut, Math.min(wire.length, cut + 3)]) {
        const got = readInChunks('stdout', wire, [cut, second]);
        expect(got).toEqual({ done: true, text, lines, exitCode: 42 });
      }
    }
  });

  it('reads stderr up to its own marker, which carries no exit code', () => {
    const got = readInChunks('stderr', `warn\n${errMarker}`, [3, 6]);
    expect(got).toEqual({ done: true, text: 'warn\n', lines: ['warn'], exitCode: undefined });
  });

  it('delivers a line as soon as its newline arrives, before the step ends', () => {
    const lines: string[] = [];
    const reader = new FramedStreamReader(ID, 'stdout', (line) => lines.push(line));
    expect(reader.push('first\n')).toBe(false);
    expect(lines).toEqual(['first']);
    expect(reader.push(outMarker(0))).toBe(true);
    expect(reader.text).toBe('first\n');
  });

  it('is not done without the marker', () => {
    expect(readInChunks('stdout', 'a\n\n__OPSPRINT_END_abc123_4', []).done).toBe(false);
  });
});

describe('frameStep', () => {
  function runInBash(lines: string[]): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const bash = spawn('bash', ['--noprofile', '--norc', '-s']);
      let stdout = '';
      let stderr = '';
      bash.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      bash.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      bash.on('error', reject);
      bash.on('close', () => resolve({ stdout, stderr }));
      bash.stdin.end(lines.join(''));
    });
  }

  it('is one line that bash -s runs in isolation, framing both streams', async () => {
    const first = frameStep(`x='it'"'"'s'; echo "$x"; echo oops >&2; cat; exit 7`, 'one');
    const second = frameStep('echo "[$x]"', 'two');
    expect(first.line.split('\n')).toHaveLength(2);
    const { stdout, stderr } = await runInBash([first.line, second.line]);
    expect(stdout).toBe(`it's\n\n__OPSPRINT_END_one_7__\n[]\n\n__OPSPRINT_END_two_0__\n`);
    expect(stderr).toBe('oops\n\n__OPSPRINT_END_one__\n\n__OPSPRINT_END_two__\n');
  });

  it('refuses a script too large for one exec argument, naming the limit', () => {
    expect(() => frameStep('x'.repeat(MAX_SCRIPT_BYTES + 1))).toThrow(/limit is 122880/);
  });
});
