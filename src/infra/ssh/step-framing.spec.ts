import { spawn } from 'node:child_process';
import { ansiCQuote, ansiCUnquote, FramedStreamReader, frameStep, MAX_SCRIPT_BYTES, SHELL_PRELUDE } from './step-framing.js';

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
      bash.stdin.end(SHELL_PRELUDE + lines.join(''));
    });
  }

  it('is one line that bash -s runs in isolation, framing both streams', async () => {
    const first = frameStep(`x='it'"'"'s'; echo "$x"; echo oops >&2; cat; exit 7`, 'one');
    const second = frameStep('echo "[$x]"; cd /tmp', 'two');
    const third = frameStep('pwd', 'three');
    expect(first.line.split('\n')).toHaveLength(2);
    const { stdout, stderr } = await runInBash([first.line, second.line, third.line]);
    expect(stdout).toBe(`it's\n\n__OPSPRINT_END_one_7__\n[]\n\n__OPSPRINT_END_two_0__\n${process.cwd()}\n\n__OPSPRINT_END_three_0__\n`);
    expect(stderr).toBe('oops\n\n__OPSPRINT_END_one__\n\n__OPSPRINT_END_two__\n\n__OPSPRINT_END_three__\n');
  });

  it('hands the script to the subshell byte for byte, whatever it holds', async () => {
    const nasty = `a\\b 'q' "d" $'x' \\' \\\\n\ttab\rcr\x01\x1b[0m\x7f é 日本 $(echo no) \`echo no\` ; exit 0`;
    const script = `cat <<'EOF'\n${nasty}\nEOF\n`;
    const { stdout } = await runInBash([frameStep(script, 'q').line]);
    expect(stdout).toBe(`${nasty}\n\n__OPSPRINT_END_q_0__\n`);
    expect(ansiCUnquote(ansiCQuote(nasty).slice(2, -1))).toBe(nasty);
  });

  it('contains a script that does not parse: the next step still runs', async () => {
    const { stdout, stderr } = await runInBash([frameStep("if then 'unclosed", 'bad').line, frameStep('echo next', 'ok').line]);
    expect(stdout).toBe('\n__OPSPRINT_END_bad_2__\nnext\n\n__OPSPRINT_END_ok_0__\n');
    expect(stderr).toMatch(/syntax error/);
  });

  it('runs each step in its own process group, and its text is in no process argument', async () => {
    // The step's subshell leads its own group (job control); `ps` shows the shell's arguments, never the script.
    const script = 'SECRET_MARKER=s3cr3t; read -r _ _ _ _ g _ < /proc/$BASHPID/stat; echo "$BASHPID $g"; ps -eo args | grep -c s3cr3t';
    const { stdout } = await runInBash([frameStep(script, 'pg').line]);
    const [ids, matches] = stdout.split('\n');
    const [pid, group] = ids!.split(' ');
    expect(group).toBe(pid);
    // the one match is grep's own argument
    expect(matches).toBe('1');
  });

  it('refuses a script too large for one line, naming the limit, and a NUL byte', () => {
    expect(() => frameStep('x'.repeat(MAX_SCRIPT_BYTES + 1))).toThrow(/limit is 1048576/);
    expect(() => frameStep('a\0b')).toThrow(/NUL/);
  });
});
