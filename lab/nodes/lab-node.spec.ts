import { utils, type Client } from 'ssh2';
import { generateKeyPair } from './key-pairs.js';
import { startLab, type Lab } from './lab.js';
import { ansiCQuote, frameStep } from '../../src/infra/ssh/step-framing.js';
import { connectTo, disconnect, execOn, FramedShell, sftpOf } from './lab-ssh-client.js';

describe('lab node over real SSH', () => {
  let lab: Lab;
  let client: Client;

  beforeEach(async () => {
    lab = await startLab({ computeNodes: 1 });
    client = await connectTo(lab.nodes[0]!, lab.clientPrivateKey!);
  });

  afterEach(async () => {
    await disconnect(client);
    await lab.stop();
  });

  it('describes the controller and a compute like the inventory does', () => {
    expect(lab.nodes.map((n) => [n.name, n.roles, n.managementIp, n.providerInterface, n.ssh.user])).toEqual([
      ['linux-node1.example.com', ['controller'], '192.168.56.11', 'eth0', 'root'],
      ['linux-node2.example.com', ['compute'], '192.168.56.12', 'eth0', 'root'],
    ]);
    expect(lab.nodes[0]!.ssh.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(lab.nodes[0]!.ssh.port).not.toBe(lab.nodes[1]!.ssh.port);
  });

  it('returns stdout, stderr and the exit code of an exec apart', async () => {
    const result = await execOn(client, 'echo out; echo err >&2; exit 3');
    expect(result).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3 });
  });

  it('answers an unknown command like bash: 127 and "command not found"', async () => {
    const result = await execOn(client, 'frobnicate --now');
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toBe('bash: frobnicate: command not found\n');
  });

  it('runs as root on a CentOS host with its own name', async () => {
    const result = await execOn(client, 'id -u; whoami; hostname; cat /etc/centos-release; sudo -n id -u');
    expect(result.stdout).toBe('0\nroot\nlinux-node1.example.com\nCentOS Linux release 7.9.2009 (Core)\n0\n');
  });

  it('runs several framed steps in one live session, a base64 heredoc script among them', async () => {
    const shell = await FramedShell.open(client);
    const heredoc =
      "cat > /etc/demo.conf <<'EOF'\n[database]\nconnection = mysql://u:p@h/db\nEOF\ngrep -c '^connection' /etc/demo.conf\necho warn >&2";
    expect(await shell.run(heredoc)).toEqual({ stdout: '1\n', stderr: 'warn\n', exitCode: 0 });
    expect(await shell.run('test -f /etc/missing')).toEqual({ stdout: '', stderr: '', exitCode: 1 });
    expect(
      await shell.run('printf \'%s\\n\' "$(sha256sum /etc/demo.conf | cut -c1-64)  /etc/demo.conf" | sha256sum -c --status && echo same'),
    ).toEqual({
      stdout: 'same\n',
      stderr: '',
      exitCode: 0,
    });
    expect(await shell.run('mkdir -p /opt/a/b && ln -s /etc/demo.conf /opt/a/b/link && cat /opt/a/b/link | wc -l')).toMatchObject({
      stdout: '2\n',
      exitCode: 0,
    });
    expect(await shell.end()).toBe(0);
  });

  it('also opens a live session under sudo, as the executor does for a non-root login', async () => {
    const shell = await FramedShell.open(client, 'sudo -n bash --noprofile --norc -s');
    expect(await shell.run('id -u; echo two')).toEqual({ stdout: '0\ntwo\n', stderr: '', exitCode: 0 });
    expect(await shell.run('false')).toMatchObject({ exitCode: 1 });
    await shell.end();
  });

  it('runs the same framed line through bash itself when it comes as a plain exec', async () => {
    const { line } = frameStep("echo 'step'; echo oops >&2; exit 7", 'x1');
    expect(await execOn(client, line)).toEqual({
      stdout: 'step\n\n__OPSPRINT_END_x1_7__\n',
      stderr: 'oops\n\n__OPSPRINT_END_x1__\n',
      exitCode: 0,
    });
  });

  it('runs plain lines and framed lines with another tail in a live session, keeping variables like bash -s', async () => {
    const shell = await FramedShell.open(client);
    shell.write(`( eval ${ansiCQuote('exit 5')} ) </dev/null; echo "rc=$?"`);
    expect(await shell.readUntil('\n')).toBe('rc=5\n');
    shell.write('export STAGE=glance; cd /etc');
    shell.write('echo "$STAGE in $(pwd)"');
    expect(await shell.readUntil('\n')).toBe('glance in /etc\n');
    await shell.end();
  });

  it('keeps concurrent live sessions on one node apart', async () => {
    const shells = await Promise.all([1, 2, 3, 4].map(() => FramedShell.open(client)));
    const outputs = await Promise.all(
      shells.map(async (shell, i) => {
        const seen: string[] = [];
        for (let step = 0; step < 5; step++) {
          const result = await shell.run(`mkdir -p /srv/s${i} && cd /srv/s${i} && N=${i}-${step}; echo "$N $(pwd)"`);
          seen.push(result.stdout);
        }
        return seen;
      }),
    );
    for (const [i, seen] of outputs.entries()) expect(seen).toEqual([0, 1, 2, 3, 4].map((step) => `${i}-${step} /srv/s${i}\n`));
    await Promise.all(shells.map((shell) => shell.end()));
  });

  it('opens a live session for a shell request too', async () => {
    const output = await new Promise<string>((resolve, reject) =>
      client.shell(false, (error, channel) => {
        if (error) return reject(error);
        let text = '';
        channel.on('data', (d: Buffer) => (text += d.toString()));
        channel.on('close', () => resolve(text));
        channel.end('hostname -s\nexit\n');
      }),
    );
    expect(output).toBe('linux-node1\n');
  });

  it('keeps the steps of a live session isolated from its stdin', async () => {
    const shell = await FramedShell.open(client);
    expect(await shell.run('cat; echo after')).toEqual({ stdout: 'after\n', stderr: '', exitCode: 0 });
    await shell.end();
  });

  it('uploads a file over SFTP with its mode, then cat shows it', async () => {
    const sftp = await sftpOf(client);
    await new Promise<void>((resolve, reject) =>
      sftp.writeFile('/etc/uploaded.conf', '[DEFAULT]\ndebug = true\n', { mode: 0o640 }, (e) => (e ? reject(e) : resolve())),
    );
    const stat = await new Promise<{ mode: number; size: number }>((resolve, reject) =>
      sftp.stat('/etc/uploaded.conf', (e, s) => (e ? reject(e) : resolve(s))),
    );
    expect(stat.mode & 0o777).toBe(0o640);
    expect(stat.size).toBe(23);
    expect((await execOn(client, 'cat /etc/uploaded.conf')).stdout).toBe('[DEFAULT]\ndebug = true\n');
    await new Promise<void>((resolve, reject) =>
      sftp.rename('/etc/uploaded.conf', '/etc/renamed.conf', (e) => (e ? reject(e) : resolve())),
    );
    expect((await execOn(client, 'ls /etc/renamed.conf /etc/uploaded.conf')).exitCode).not.toBe(0);
    await new Promise<void>((resolve, reject) => sftp.chmod('/etc/renamed.conf', 0o600, (e) => (e ? reject(e) : resolve())));
    await new Promise<void>((resolve, reject) => sftp.mkdir('/etc/opsprint', { mode: 0o750 }, (e) => (e ? reject(e) : resolve())));
    expect((await execOn(client, 'stat -c %a /etc/renamed.conf /etc/opsprint')).stdout).toBe('600\n750\n');
    const read = await new Promise<string>((resolve, reject) =>
      sftp.readFile('/etc/renamed.conf', (e, data) => (e ? reject(e) : resolve(data.toString()))),
    );
    expect(read).toBe('[DEFAULT]\ndebug = true\n');
    const names = await new Promise<string[]>((resolve, reject) =>
      sftp.readdir('/etc', (e, list) => (e ? reject(e) : resolve(list.map((l) => l.filename)))),
    );
    expect(names).toContain('renamed.conf');
    sftp.end();
  });

  it('answers SFTP errors with the status codes OpenSSH uses', async () => {
    const sftp = await sftpOf(client);
    const code = (run: (cb: (e: unknown) => void) => void) =>
      new Promise<number | undefined>((resolve) => run((e) => resolve((e as { code?: number } | undefined)?.code)));
    expect(await code((cb) => sftp.stat('/nope', cb))).toBe(utils.sftp.STATUS_CODE.NO_SUCH_FILE);
    expect(await code((cb) => sftp.writeFile('/no/such/dir/file', 'x', cb))).toBe(utils.sftp.STATUS_CODE.NO_SUCH_FILE);
    expect(await code((cb) => sftp.unlink('/nope', cb))).toBe(utils.sftp.STATUS_CODE.NO_SUCH_FILE);
    expect(await code((cb) => sftp.mkdir('/etc', cb))).toBe(utils.sftp.STATUS_CODE.FAILURE);
    sftp.end();
  });

  it('refuses a client key it was not configured with', async () => {
    const stranger = generateKeyPair('ed25519');
    await expect(connectTo(lab.nodes[0]!, stranger.private)).rejects.toThrow(/authentication methods failed/);
  });

  it('presents the host key whose fingerprint it reports', async () => {
    await expect(
      connectTo(lab.nodes[1]!, lab.clientPrivateKey!, { expectFingerprint: lab.nodes[0]!.ssh.hostKeyFingerprint }),
    ).rejects.toThrow(/verification failed/i);
    const other = await connectTo(lab.nodes[1]!, lab.clientPrivateKey!);
    expect((await execOn(other, 'hostname')).stdout).toBe('linux-node2.example.com\n');
    await disconnect(other);
  });
});
