import { Bash, defineCommand } from 'just-bash';
import type { PlannedStep } from '../model.js';
import { exampleInventory } from './example-inventory.js';
import { novaCompute } from './nova-compute.js';
import { contextFor, freshSecrets, renderPhaseFor } from './nova-neutron.fixture.js';

/**
 * The virt_type choice runs on the node, so it is tested by running the rendered commands in
 * a bash interpreter (just-bash) over a filesystem holding the node's /proc/cpuinfo.
 */

const CPU_WITH_VMX = 'processor\t: 0\nflags\t\t: fpu vme de pse tsc msr pae mce vmx ssse3\n';
const CPU_WITHOUT_VIRT = 'processor\t: 0\nflags\t\t: fpu vme de pse tsc msr pae mce ssse3\n';

function computeSteps(): PlannedStep[] {
  const inventory = exampleInventory();
  return renderPhaseFor(novaCompute, contextFor(inventory, freshSecrets(), 'linux-node2.example.com'));
}

function step(steps: PlannedStep[], key: string): PlannedStep {
  const found = steps.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no step ${key}`);
  return found;
}

function node(cpuinfo: string, novaComputeActive: boolean, steps: PlannedStep[]) {
  const systemctlCalls: string[] = [];
  const systemctl = defineCommand('systemctl', async (args) => {
    systemctlCalls.push(args.join(' '));
    const inactive = args[0] === 'is-active' && !novaComputeActive;
    return { stdout: '', stderr: '', exitCode: inactive ? 3 : 0 };
  });
  const chown = defineCommand('chown', async () => ({ stdout: '', stderr: '', exitCode: 0 }));
  const files: Record<string, string> = { '/proc/cpuinfo': cpuinfo, '/etc/nova/nova.conf': '[DEFAULT]\n# as packaged\n' };
  for (const key of ['nova-conf-kvm', 'nova-conf-qemu']) {
    const file = step(steps, key).file;
    if (file) files[file.path] = file.content;
  }
  return { bash: new Bash({ files, customCommands: [systemctl, chown] }), systemctlCalls };
}

describe('nova.conf virt_type on a compute node', () => {
  const steps = computeSteps();
  const install = step(steps, 'nova-conf-install');

  it('renders both candidates as files readable by nova only', () => {
    expect(step(steps, 'nova-conf-kvm').file).toMatchObject({
      path: '/etc/nova/nova.conf.kvm',
      owner: 'root',
      group: 'nova',
      mode: '0640',
    });
    expect(step(steps, 'nova-conf-qemu').file?.content).toContain('[libvirt]\nvirt_type = qemu\n');
  });

  it("probes the CPU with the seed's egrep", () => {
    expect(install.run).toContain(`egrep -c '(vmx|svm)' /proc/cpuinfo`);
  });

  it.each([
    ['a CPU with vmx', 'kvm', CPU_WITH_VMX],
    ['a CPU without vmx or svm', 'qemu', CPU_WITHOUT_VIRT],
  ])('on %s it installs the %s rendering and is idempotent', async (_label, virtType, cpuinfo) => {
    const { bash } = node(cpuinfo, false, steps);
    expect((await bash.exec(install.guard as string)).exitCode).not.toBe(0);

    const result = await bash.exec(install.run as string);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`libvirt virt_type = ${virtType}`);
    const installed = await bash.exec('cat /etc/nova/nova.conf');
    expect(installed.stdout).toBe(step(steps, `nova-conf-${virtType}`).file?.content);
    expect(installed.stdout).toContain(`[libvirt]\nvirt_type = ${virtType}\n`);

    expect((await bash.exec(install.guard as string)).exitCode).toBe(0);
  });

  it('restarts nova-compute only when it is running', async () => {
    const stopped = node(CPU_WITH_VMX, false, steps);
    await stopped.bash.exec(install.run as string);
    expect(stopped.systemctlCalls).toEqual(['is-active --quiet openstack-nova-compute']);

    const running = node(CPU_WITH_VMX, true, steps);
    await running.bash.exec(install.run as string);
    expect(running.systemctlCalls).toEqual(['is-active --quiet openstack-nova-compute', 'restart openstack-nova-compute']);
  });

  it('falls back to qemu when /proc/cpuinfo cannot be read', async () => {
    const { bash } = node('', false, steps);
    await bash.exec('rm /proc/cpuinfo');
    expect((await bash.exec(install.run as string)).stdout).toContain('libvirt virt_type = qemu');
  });
});
