import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SshExecutor } from '../../src/infra/ssh/ssh-executor.js';
import { countLog, targetFor } from './fixtures.js';
import { startSshd, type RunningSshd } from '../../lab/openssh/start-sshd.js';

/** Shell that waits (up to ~20 s) for a file this test creates when it has seen an event. */
const waitForFile = (file: string) => `for _ in $(seq 400); do [ -e ${file} ] && break; sleep 0.05; done`;

describe('SshExecutor.run against a real OpenSSH sshd', () => {
  let sshd: RunningSshd;
  let executor: SshExecutor;

  beforeAll(async () => {
    sshd = await startSshd({ logLevel: 'VERBOSE' });
  });
  afterAll(async () => {
    await sshd?.stop();
  });
  beforeEach(() => {
    executor = new SshExecutor();
  });
  afterEach(async () => {
    await executor.closeAll();
  });

  it('returns the exit code with stdout and stderr kept apart', async () => {
    const node = await executor.session(targetFor(sshd));
    const result = await node.run('echo out; echo err >&2; echo out2; exit 3');
    expect(result).toMatchObject({ exitCode: 3, stdout: 'out\nout2\n', stderr: 'err\n' });
    expect(result.durationMs).toBeGreaterThan(0);

    const noNewline = await node.run('printf partial; printf e >&2');
    expect(noNewline).toMatchObject({ exitCode: 0, stdout: 'partial', stderr: 'e' });
  });

  it('runs many steps over one TCP connection and one sshd session', async () => {
    const before = countLog(sshd, /Accepted publickey/);
    const sessionsBefore = countLog(sshd, /Starting session: command/);
    const node = await executor.session(targetFor(sshd));
    for (let i = 0; i < 30; i++) {
      const again = await executor.session(targetFor(sshd)); // a second lookup reuses the connection
      const result = await (i % 2 ? node : again).run(`echo step-${i}`);
      expect(result.stdout).toBe(`step-${i}\n`);
    }
    expect(countLog(sshd, /Accepted publickey/) - before).toBe(1);
    expect(countLog(sshd, /Starting session: command/) - sessionsBefore).toBe(1);
    expect(await sshd.connectionPids()).toHaveLength(1);
  });

  it('runs a multi-line script with a heredoc, quotes and variables in its own subshell', async () => {
    const node = await executor.session(targetFor(sshd));
    const dir = `/tmp/opsprint-heredoc-${process.pid}`;
    const script = [
      `mkdir -p ${dir} && cd ${dir}`,
      `NAME="it's \\"quoted\\""`,
      "cat > conf.ini <<'EOF'",
      '[database]',
      'connection = mysql+pymysql://glance:$PASS@controller/glance',
      'EOF',
      'echo "$NAME"; grep -c "^\\[database\\]" conf.ini; cat conf.ini | tail -n 1',
      `cd / && rm -rf ${dir}`,
    ].join('\n');
    const result = await node.run(script);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`it's "quoted"\n1\nconnection = mysql+pymysql://glance:$PASS@controller/glance\n`);
    expect(result.exitCode).toBe(0);

    // The previous step's variables and cwd do not leak into the next one.
    expect((await node.run('echo "[$NAME]"; pwd')).stdout).not.toContain('quoted');
  });

  it('gives a step reading stdin an immediate EOF', async () => {
    const node = await executor.session(targetFor(sshd));
    const result = await node.run('cat; read line; echo "read=$? line=[$line]"', { timeoutMs: 5000 });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'read=1 line=[]\n' });
    expect((await node.run('echo still-framed')).stdout).toBe('still-framed\n');
  });

  it('streams complete lines while the step runs', async () => {
    const node = await executor.session(targetFor(sshd));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-stream-'));
    const seen: string[] = [];
    // The step goes on only once this side has received its previous line: lines held back until
    // the step's end would leave it waiting until its timeout.
    const received = (line: string) => {
      seen.push(line);
      writeFileSync(path.join(dir, line.slice(4)), '');
    };
    try {
      const result = await node.run(
        `echo first; ${waitForFile(`${dir}/first`)}; echo warn >&2; ${waitForFile(`${dir}/warn`)}; echo second`,
        {
          onStdout: (line) => received(`out:${line}`),
          onStderr: (line) => received(`err:${line}`),
          timeoutMs: 30_000,
        },
      );
      expect(seen).toEqual(['out:first', 'err:warn', 'out:second']);
      expect(result.stdout).toBe('first\nsecond\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs concurrent steps on one node in parallel over a few channels of one connection', async () => {
    const before = countLog(sshd, /Accepted publickey/);
    const node = await executor.session(targetFor(sshd));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-parallel-'));
    try {
      // Each step waits until all three have started: one after the other, the first would wait in vain and fail.
      const meet = (i: number) =>
        `touch ${dir}/${i}; for _ in $(seq 400); do [ "$(ls ${dir} | wc -l)" -ge 3 ] && break; sleep 0.05; done; ` +
        `[ "$(ls ${dir} | wc -l)" -ge 3 ] && echo ${i}`;
      const results = await Promise.all([1, 2, 3].map((i) => node.run(meet(i))));
      expect(results.map((r) => [r.exitCode, r.stdout])).toEqual([
        [0, '1\n'],
        [0, '2\n'],
        [0, '3\n'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(countLog(sshd, /Accepted publickey/) - before).toBe(1);
  });

  it('names a bad timeout option', async () => {
    const node = await executor.session(targetFor(sshd));
    await expect(node.run('true', { timeoutMs: -5 })).rejects.toThrow(/options\.timeoutMs must be a positive number/);
  });

  it('keeps binary-unsafe output and a huge line intact', async () => {
    const node = await executor.session(targetFor(sshd));
    const result = await node.run("printf 'héllo 日本\\n'; head -c 300000 /dev/zero | tr '\\0' x; echo");
    expect(result.stdout.startsWith('héllo 日本\n')).toBe(true);
    expect(result.stdout.length).toBe('héllo 日本\n'.length + 300001);
  });
});
