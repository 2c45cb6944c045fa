import { isRoot } from '../identity.js';
import { fail, ok, type LabCommandHandler } from '../lab-host.js';

const ZONES = new Set(Intl.supportedValuesOf('timeZone'));

export const hostnamectl: LabCommandHandler = async (args, { host }) => {
  if (args[0] === 'set-hostname') {
    if (!isRoot()) return fail('Could not set property: Interactive authentication required.');
    const name = args[1];
    if (!name) return fail('Too few arguments.');
    host.hostname = name;
    await host.fs.writeFile('/etc/hostname', `${name}\n`);
    return ok();
  }
  return ok(
    `   Static hostname: ${host.hostname}\n         Icon name: computer-vm\n  Operating System: CentOS Linux 7 (Core)\n            Kernel: Linux 3.10.0-1160.el7.x86_64\n      Architecture: x86-64\n`,
  );
};

export const hostname: LabCommandHandler = async (args, { host }) => {
  if (args[0] === '-s') return ok(`${host.hostname.split('.')[0]}\n`);
  if (args[0] === '-i' || args[0] === '-I') return ok(`${host.managementIp}\n`);
  if (args[0] === '-f' || args[0] === undefined) return ok(`${host.hostname}\n`);
  if (!isRoot()) return fail('hostname: you must be root to change the host name');
  host.hostname = args[0];
  return ok();
};

export const timedatectl: LabCommandHandler = async (args, { host }) => {
  if (args[0] === 'set-timezone') {
    if (!isRoot()) return fail('Failed to set time zone: Interactive authentication required.');
    const zone = args[1] ?? '';
    if (!ZONES.has(zone) && zone !== 'UTC') return fail(`Failed to set time zone: Invalid time zone '${zone}'`);
    host.timezone = zone;
    return ok();
  }
  if (args[0] === 'set-ntp') return ok();
  const now = new Date();
  return ok(
    `      Local time: ${now.toLocaleString('en-US', { timeZone: host.timezone })}\n  Universal time: ${now.toUTCString()}\n       Time zone: ${host.timezone}\n     NTP enabled: ${host.isActive('chronyd') ? 'yes' : 'no'}\nNTP synchronized: ${host.isActive('chronyd') ? 'yes' : 'no'}\n`,
  );
};

export const chronyc: LabCommandHandler = async (args, { host }) => {
  if (!host.isActive('chronyd')) return fail('506 Cannot talk to daemon');
  if (args[0] !== 'sources') return fail(`Unrecognized command`);
  const conf = await host.fs.readFile('/etc/chrony.conf').catch(() => '');
  const servers = [...conf.matchAll(/^server\s+(\S+)/gm)].map((m) => m[1]!);
  const rows = servers.map(
    (s, i) => `^${i === 0 ? '*' : '-'} ${s.padEnd(27)} 2   6   377    35   +${100 + i * 37}us[ +${120 + i}us] +/-   ${20 + i}ms`,
  );
  return ok(
    `210 Number of sources = ${servers.length}\nMS Name/IP address         Stratum Poll Reach LastRx Last sample\n===============================================================================\n${rows.join('\n')}${rows.length ? '\n' : ''}`,
  );
};

export const getenforce: LabCommandHandler = async (_args, { host }) => ok(`${host.selinux}\n`);

export const setenforce: LabCommandHandler = async (args, { host }) => {
  if (host.selinux === 'Disabled') return fail('setenforce: SELinux is disabled');
  if (!isRoot()) return fail('setenforce:  setenforce() failed');
  const mode = args[0];
  if (mode === '0' || mode?.toLowerCase() === 'permissive') host.selinux = 'Permissive';
  else if (mode === '1' || mode?.toLowerCase() === 'enforcing') host.selinux = 'Enforcing';
  else return fail('usage:  setenforce [ Enforcing | Permissive | 1 | 0 ]');
  return ok();
};

export const firewallCmd: LabCommandHandler = async (args, { host }) => {
  const running = host.isActive('firewalld');
  if (args[0] === '--state') return running ? ok('running\n') : { stdout: '', stderr: 'not running\n', exitCode: 252 };
  if (!running) return { stdout: '', stderr: 'FirewallD is not running\n', exitCode: 252 };
  return ok('success\n');
};
