import type { IFileSystem } from 'just-bash';
import type { LabHost } from './lab-host.js';
import { installPackage } from './commands/yum.js';
import { BASE_PACKAGES } from './package-catalog.js';

/**
 * The pid every shell on a lab node reports as `$$` (just-bash has one virtual process per node);
 * /proc/<pid>/stat names it as its own process group, like an sshd session leader.
 */
export const SHELL_PID = 2417;

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'bin:x:1:1:bin:/bin:/sbin/nologin',
  'daemon:x:2:2:daemon:/sbin:/sbin/nologin',
  'nobody:x:99:99:Nobody:/:/sbin/nologin',
  'sshd:x:74:74:Privilege-separated SSH:/var/empty/sshd:/sbin/nologin',
];
const GROUPS = ['root:x:0:', 'bin:x:1:', 'daemon:x:2:', 'wheel:x:10:', 'nobody:x:99:', 'sshd:x:74:'];

/** A 2-vCPU KVM guest without nested virtualisation: no vmx/svm flag, so Nova must use qemu. */
function cpuinfo(): string {
  const flags =
    'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 syscall nx lm rep_good nopl pni cx16 hypervisor lahf_lm';
  return [0, 1]
    .map(
      (n) =>
        `processor\t: ${n}\nvendor_id\t: GenuineIntel\nmodel name\t: Intel Core Processor (Haswell)\ncpu MHz\t\t: 2394.454\ncpu cores\t: 1\nflags\t\t: ${flags}\n`,
    )
    .join('\n');
}

async function write(fs: IFileSystem, path: string, content: string): Promise<void> {
  await fs.mkdir(path.slice(0, path.lastIndexOf('/')) || '/', { recursive: true });
  await fs.writeFile(path, content);
}

/** A login user besides root, as CentOS's cloud images have (`centos`), with a sudo policy. */
export interface SudoUser {
  name: string;
  /**
   * nopasswd: `<name> ALL=(ALL) NOPASSWD:ALL` in /etc/sudoers.d (cloud-init's rule); password: a
   * member of wheel (`%wheel ALL=(ALL) ALL`), so sudo asks for a password; none: no rule at all.
   */
  policy: 'nopasswd' | 'password' | 'none';
  /** `Defaults requiretty`, as RHEL/CentOS 7 shipped it in its first releases. */
  requiretty?: boolean;
}

/** CentOS 7.9's /etc/sudoers, without its comments. */
const SUDOERS = [
  'Defaults   !visiblepw',
  'Defaults    always_set_home',
  'Defaults    match_group_by_gid',
  'Defaults    always_query_group_plugin',
  'Defaults    env_reset',
  'Defaults    secure_path = /sbin:/bin:/usr/sbin:/usr/bin',
  'root\tALL=(ALL) \tALL',
  '%wheel\tALL=(ALL)\tALL',
  '#includedir /etc/sudoers.d',
];

async function addLoginUser(host: LabHost, user: SudoUser): Promise<void> {
  const fs = host.fs;
  await fs.appendFile('/etc/passwd', `${user.name}:x:1000:1000:Cloud User:/home/${user.name}:/bin/bash\n`);
  await fs.appendFile('/etc/group', `${user.name}:x:1000:\n`);
  if (user.policy === 'password') {
    const groups = (await fs.readFile('/etc/group')).replace(
      /^wheel:x:10:(.*)$/m,
      (_line, members: string) => `wheel:x:10:${members ? `${members},` : ''}${user.name}`,
    );
    await fs.writeFile('/etc/group', groups);
  }
  await fs.mkdir(`/home/${user.name}/.ssh`, { recursive: true });
  await fs.chmod(`/home/${user.name}`, 0o700);
  for (const path of [`/home/${user.name}`, `/home/${user.name}/.ssh`]) host.owners.set(path, `${user.name}:${user.name}`);
  if (user.policy === 'nopasswd') {
    await fs.writeFile('/etc/sudoers.d/90-cloud-init-users', `# Created by cloud-init\n${user.name} ALL=(ALL) NOPASSWD:ALL\n`);
    await fs.chmod('/etc/sudoers.d/90-cloud-init-users', 0o440);
  }
  if (user.requiretty) await fs.writeFile('/etc/sudoers', `Defaults    requiretty\n${await fs.readFile('/etc/sudoers')}`);
}

/** Lay down what a fresh CentOS 7.9 minimal install has, then its running base services. */
export async function provisionCentos(host: LabHost, options: { sudoUser?: SudoUser } = {}): Promise<void> {
  const fs = host.fs;
  for (const dir of [
    '/root',
    '/home',
    '/var/log',
    '/var/lib',
    '/var/tmp',
    '/usr/lib/systemd/system',
    '/etc/systemd/system/multi-user.target.wants',
    '/etc/yum.repos.d',
    '/usr/sbin',
    '/usr/local/bin',
  ]) {
    await fs.mkdir(dir, { recursive: true });
  }
  await fs.mkdir('/tmp', { recursive: true });
  await fs.chmod('/tmp', 0o1777);
  await fs.chmod('/root', 0o550);
  const files: Record<string, string> = {
    '/etc/passwd': `${PASSWD.join('\n')}\n`,
    '/etc/group': `${GROUPS.join('\n')}\n`,
    '/etc/hostname': `${host.hostname}\n`,
    '/etc/hosts':
      '127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4\n::1         localhost localhost.localdomain localhost6 localhost6.localdomain6\n',
    '/etc/centos-release': 'CentOS Linux release 7.9.2009 (Core)\n',
    '/etc/redhat-release': 'CentOS Linux release 7.9.2009 (Core)\n',
    '/etc/os-release':
      'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\n',
    '/etc/selinux/config': 'SELINUX=enforcing\nSELINUXTYPE=targeted\n',
    '/etc/sudoers': `${SUDOERS.join('\n')}\n`,
    '/etc/resolv.conf': 'nameserver 192.168.56.2\n',
    '/etc/yum.conf':
      '[main]\ncachedir=/var/cache/yum/$basearch/$releasever\nkeepcache=0\ndebuglevel=2\nlogfile=/var/log/yum.log\nexactarch=1\nobsoletes=1\ngpgcheck=1\nplugins=1\ninstallonly_limit=5\n',
    // As the centos-release package ships it: every enabled repository resolves through mirrorlist.centos.org, gone since 2024.
    '/etc/yum.repos.d/CentOS-Base.repo': ['os', 'updates', 'extras']
      .map(
        (repo) =>
          `[${repo === 'os' ? 'base' : repo}]\nname=CentOS-$releasever - ${repo === 'os' ? 'Base' : repo[0]!.toUpperCase() + repo.slice(1)}\nmirrorlist=http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=${repo}&infra=$infra\n#baseurl=http://mirror.centos.org/centos/$releasever/${repo}/$basearch/\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7\n`,
      )
      .join('\n')
      .concat(
        '\n[centosplus]\nname=CentOS-$releasever - Plus\nmirrorlist=http://mirrorlist.centos.org/?release=$releasever&arch=$basearch&repo=centosplus&infra=$infra\ngpgcheck=1\nenabled=0\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7\n',
      ),
    '/etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7':
      '-----BEGIN PGP PUBLIC KEY BLOCK-----\n(CentOS 7 Official Signing Key)\n-----END PGP PUBLIC KEY BLOCK-----\n',
    '/etc/sysconfig/network-scripts/ifcfg-eth0': `TYPE=Ethernet\nBOOTPROTO=static\nNAME=eth0\nDEVICE=eth0\nONBOOT=yes\nIPADDR=${host.managementIp}\nNETMASK=255.255.255.0\n`,
    // The interfaces the kernel has (what the Linux bridge agent looks up for its mappings).
    '/sys/class/net/lo/operstate': 'unknown\n',
    '/sys/class/net/eth0/operstate': 'up\n',
    '/proc/cpuinfo': cpuinfo(),
    '/proc/meminfo': 'MemTotal:        4046872 kB\nMemFree:         3512344 kB\n',
    [`/proc/${SHELL_PID}/stat`]: `${SHELL_PID} (bash) S 2410 ${SHELL_PID} ${SHELL_PID} 0 -1 4202752 612 0 0 0 0 0 0 0 20 0 1 0 1534 117293056 843\n`,
  };
  for (const [path, content] of Object.entries(files)) await write(fs, path, content);
  await fs.chmod('/etc/sudoers', 0o440);
  await fs.mkdir('/etc/sudoers.d', { recursive: true });
  await fs.chmod('/etc/sudoers.d', 0o750);
  if (options.sudoUser) await addLoginUser(host, options.sudoUser);
  for (const name of Object.keys(BASE_PACKAGES)) await installPackage(host, name);
  for (const unit of ['sshd', 'firewalld', 'NetworkManager', 'crond', 'chronyd']) {
    host.services.set(unit, { enabled: true, active: true, since: new Date() });
  }
}
