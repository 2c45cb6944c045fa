import { SshExecutor } from '../../src/infra/ssh/ssh-executor.js';
import { countLog, targetFor } from './fixtures.js';
import { startSshd, type RunningSshd } from '../../lab/openssh/start-sshd.js';

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
    const seen: Array<[string, number]> = [];
    const started = Date.now();
    const result = await node.run('echo first; sleep 1; echo warn >&2; sleep 0.3; echo second', {
      onStdout: (line) => seen.push([`out:${line}`, Date.now() - started]),
      onStderr: (line) => seen.push([`err:${line}`, Date.now() - started]),
    });
    expect(seen.map(([line]) => line)).toEqual(['out:first', 'err:warn', 'out:second']);
    // Delivered when printed, a second before the step ended, not at its end.
    expect(seen[2][1] - seen[0][1]).toBeGreaterThan(900);
    expect(result.stdout).toBe('first\nsecond\n');
  });

  it('runs concurrent steps on one node in parallel over a few channels of one connection', async () => {
    const before = countLog(sshd, /Accepted publickey/);
    const node = await executor.session(targetFor(sshd));
    const started = Date.now();
    const results = await Promise.all([1, 2, 3].map((i) => node.run(`sleep 1; echo ${i}`)));
    expect(results.map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n']);
    expect(Date.now() - started).toBeLessThan(2900); // one after the other would take 3 s
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
