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

const secrets = freshSecrets();

function computeSteps(): PlannedStep[] {
  return renderPhaseFor(novaCompute, contextFor(exampleInventory(), secrets, 'linux-node2.example.com'));
}

function step(steps: PlannedStep[], key: string): PlannedStep {
  const found = steps.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no step ${key}`);
  return found;
}

/** A compute node: its CPU, a packaged nova.conf, staging files an earlier version left, and stubs that record systemctl. */
function node(cpuinfo: string, novaComputeActive: boolean) {
  const systemctlCalls: string[] = [];
  const systemctl = defineCommand('systemctl', async (args) => {
    systemctlCalls.push(args.join(' '));
    const inactive = args[0] === 'is-active' && !novaComputeActive;
    return { stdout: '', stderr: '', exitCode: inactive ? 3 : 0 };
  });
  const owners = new Map<string, string>();
  const chown = defineCommand('chown', async ([owner, path]) => {
    owners.set(path!, owner!);
    return { stdout: '', stderr: '', exitCode: 0 };
  });
  // mv keeps a file's owner (the filesystem here keeps modes only, so the stubs keep owners).
  const mv = defineCommand('mv', async (args, ctx) => {
    const [from, to] = args.filter((a) => !a.startsWith('-'));
    const owner = owners.get(from!);
    if (owner) owners.set(to!, owner);
    return ctx.origCommand!(args);
  });
  // just-bash has no mktemp; the lab's is a coreutils stand-in, this one is enough here.
  const mktemp = defineCommand('mktemp', async ([template]) => ({
    stdout: `${template!.replace(/X+$/, 'tmp42')}\n`,
    stderr: '',
    exitCode: 0,
  }));
  // stat %U:%G from the chown stub, %a from the filesystem.
  const stat = defineCommand('stat', async (args, ctx) => {
    const path = args[args.length - 1]!;
    const mode = (await ctx.fs.stat(path)).mode & 0o7777;
    return { stdout: `${owners.get(path) ?? 'root:root'} ${mode.toString(8)}\n`, stderr: '', exitCode: 0 };
  });
  const files: Record<string, string> = {
    '/proc/cpuinfo': cpuinfo,
    '/etc/nova/nova.conf': '[DEFAULT]\n# as packaged\n',
    '/etc/nova/nova.conf.kvm': '[DEFAULT]\npassword = old\n',
  };
  return { bash: new Bash({ files, customCommands: [systemctl, chown, mktemp, stat, mv] }), systemctlCalls };
}

describe('nova.conf virt_type on a compute node', () => {
  const steps = computeSteps();
  const install = step(steps, 'nova-conf');

  it('writes nova.conf in one step through a here-document, without staging files or secrets in arguments', () => {
    expect(steps.filter((s) => s.file?.path.startsWith('/etc/nova/nova.conf'))).toEqual([]);
    expect(install.run).toContain(`cat > "$tmp" <<'OPSPRINT_NOVA_CONF_KVM'`);
    expect(install.run).toContain('[libvirt]\nvirt_type = qemu\n');
    expect(install.run).toContain('chown root:nova "$tmp" && chmod 0640 "$tmp" && mv -f "$tmp" /etc/nova/nova.conf');
  });

  it("probes the CPU with the seed's egrep", () => {
    expect(install.run).toContain(`egrep -c '(vmx|svm)' /proc/cpuinfo`);
  });

  it.each([
    ['a CPU with vmx', 'kvm', CPU_WITH_VMX],
    ['a CPU without vmx or svm', 'qemu', CPU_WITHOUT_VIRT],
  ])(
    'on %s it installs the %s rendering root:nova 0640, removes the staging files and is idempotent',
    async (_label, virtType, cpuinfo) => {
      const { bash } = node(cpuinfo, false);
      expect((await bash.exec(install.guard as string)).exitCode).not.toBe(0);

      const result = await bash.exec(install.run as string);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain(`libvirt virt_type = ${virtType}`);
      const installed = (await bash.exec('cat /etc/nova/nova.conf')).stdout;
      expect(installed).toContain(`[libvirt]\nvirt_type = ${virtType}\n`);
      expect(installed).toContain('[DEFAULT]\nmy_ip = 192.168.56.12\n');
      expect(installed).toContain(`password = ${secrets.NOVA_PASS}\n`);
      expect((await bash.exec('stat -c %a /etc/nova/nova.conf')).stdout).toMatch(/ 640\n$/);
      expect((await bash.exec('ls /etc/nova')).stdout).toBe('nova.conf\n');

      expect((await bash.exec(install.guard as string)).exitCode).toBe(0);
      await bash.exec('chmod 0644 /etc/nova/nova.conf');
      expect((await bash.exec(install.guard as string)).exitCode).not.toBe(0);
    },
  );

  it('restarts nova-compute only when it is running', async () => {
    const stopped = node(CPU_WITH_VMX, false);
    await stopped.bash.exec(install.run as string);
    expect(stopped.systemctlCalls).toEqual(['is-active --quiet openstack-nova-compute']);

    const running = node(CPU_WITH_VMX, true);
    await running.bash.exec(install.run as string);
    expect(running.systemctlCalls).toEqual(['is-active --quiet openstack-nova-compute', 'restart openstack-nova-compute']);
  });

  it('falls back to qemu when /proc/cpuinfo cannot be read', async () => {
    const { bash } = node('', false);
    await bash.exec('rm /proc/cpuinfo');
    expect((await bash.exec(install.run as string)).stdout).toContain('libvirt virt_type = qemu');
  });
});
