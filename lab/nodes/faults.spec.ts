import type { Client } from 'ssh2';
import { startLab, type Lab } from './lab.js';
import { connectTo, disconnect, execOn, FramedShell } from './lab-ssh-client.js';
import { USE_VAULT_REPOSITORIES } from './vault-repositories.js';

const closed = (client: Client) => new Promise<void>((resolve) => client.once('close', () => resolve()));

describe('lab fault injection', () => {
  let lab: Lab;
  let client: Client;
  const controller = () => lab.nodes[0]!;

  beforeEach(async () => {
    lab = await startLab({ computeNodes: 1 });
    client = await connectTo(controller(), lab.clientPrivateKey!);
    expect(await execOn(client, USE_VAULT_REPOSITORIES)).toMatchObject({ exitCode: 0 });
  });

  afterEach(async () => {
    await disconnect(client);
    await lab.stop();
  });

  it('makes matching commands fail with the given exit code and stderr until removed', async () => {
    const fault = lab.faults.failCommand('yum install', { exitCode: 42, stderr: 'Cannot find a valid baseurl for repo: base/7/x86_64' });
    expect(await execOn(client, 'yum install -y httpd')).toEqual({
      stdout: '',
      stderr: 'Cannot find a valid baseurl for repo: base/7/x86_64\n',
      exitCode: 42,
    });
    const shell = await FramedShell.open(client);
    expect(await shell.run('echo before; yum install -y httpd')).toMatchObject({ exitCode: 42 });
    expect(await shell.run('echo unrelated')).toEqual({ stdout: 'unrelated\n', stderr: '', exitCode: 0 });
    fault.remove();
    expect(await shell.run('yum install -y httpd')).toMatchObject({ exitCode: 0 });
    await shell.end();
  });

  it('limits a fault to one node and a number of times', async () => {
    lab.faults.failCommand(/^hostname$/, { node: 'linux-node2.example.com', times: 1 });
    const compute = await connectTo(lab.nodes[1]!, lab.clientPrivateKey!);
    expect((await execOn(client, 'hostname')).exitCode).toBe(0);
    expect((await execOn(compute, 'hostname')).exitCode).toBe(1);
    expect((await execOn(compute, 'hostname')).exitCode).toBe(0);
    await disconnect(compute);
    expect(() => lab.faults.failCommand('x', { node: 'linux-node9.example.com' })).toThrow(
      /node: no lab node named "linux-node9.example.com"/,
    );
  });

  it('hangs a matching command until the client gives up and closes the channel', async () => {
    const hang = lab.faults.hangCommand('systemctl start');
    const shell = await FramedShell.open(client);
    let settled = false;
    const step = shell.run('systemctl start chronyd').finally(() => {
      settled = true;
    });
    await hang.matched();
    // A command sent after it, on another channel of the same connection, comes back while it still hangs.
    expect((await execOn(client, 'echo later')).stdout).toBe('later\n');
    expect(settled).toBe(false);
    shell.close();
    await expect(step).rejects.toThrow(/closed before the step ended/);
    expect((await execOn(client, 'echo alive')).stdout).toBe('alive\n');
  });

  it('holds a matching command until the fault is removed, then runs it as usual', async () => {
    const hold = lab.faults.holdCommand('hostnamectl set-hostname');
    let settled = false;
    const held = execOn(client, 'hostnamectl set-hostname held.example.com && hostname').finally(() => {
      settled = true;
    });
    await hold.matched();
    expect((await execOn(client, 'hostname')).stdout).toBe('linux-node1.example.com\n');
    expect(settled).toBe(false);
    hold.remove();
    expect(await held).toEqual({ stdout: 'held.example.com\n', stderr: '', exitCode: 0 });
    expect((await execOn(client, 'hostnamectl set-hostname again.example.com')).exitCode).toBe(0);
  });

  it('drops the connection on the next matching command, without running it', async () => {
    lab.faults.dropConnection(controller().name, { pattern: 'useradd-marker' });
    const shell = await FramedShell.open(client);
    expect((await shell.run('echo fine')).stdout).toBe('fine\n');
    const gone = closed(client);
    await expect(shell.run('touch /root/useradd-marker')).rejects.toThrow(/closed before the step ended/);
    await gone;
    client = await connectTo(controller(), lab.clientPrivateKey!);
    expect((await execOn(client, 'test -e /root/useradd-marker; echo $?')).stdout).toBe('1\n');
    expect((await execOn(client, 'touch /root/useradd-marker && echo done')).stdout).toBe('done\n');
  });

  it('can drop the connection after the command took effect, losing only its result', async () => {
    lab.faults.dropConnection(controller().name, { pattern: 'yum', afterRun: true });
    const gone = closed(client);
    const result = execOn(client, 'yum install -y httpd');
    await gone;
    expect((await result).exitCode).toBeNull();
    client = await connectTo(controller(), lab.clientPrivateKey!);
    expect((await execOn(client, 'rpm -q httpd')).exitCode).toBe(0);
  });

  it('makes a node unreachable: open connections are cut and new ones fail, until removed', async () => {
    const gone = closed(client);
    const fault = await lab.faults.makeUnreachable(controller().name);
    await gone;
    await expect(connectTo(controller(), lab.clientPrivateKey!)).rejects.toThrow();
    const compute = await connectTo(lab.nodes[1]!, lab.clientPrivateKey!);
    expect((await execOn(compute, 'hostname')).stdout).toBe('linux-node2.example.com\n');
    await disconnect(compute);
    fault.remove();
    client = await connectTo(controller(), lab.clientPrivateKey!);
    expect((await execOn(client, 'hostname')).stdout).toBe('linux-node1.example.com\n');
  });
});
