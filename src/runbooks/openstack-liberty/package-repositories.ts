import type { PackageRepository, RenderContext } from '../model.js';

/**
 * Where packages come from when the inventory names no repositories. CentOS 7 reached its end of
 * life in June 2024: mirrorlist.centos.org and mirror.centos.org no longer serve it, so the
 * CentOS-Base.repo of a fresh minimal install cannot install anything. The vault keeps the last
 * release (7.9.2009) and, in the 7.3.1611 tree, the last copy of the RDO Liberty repository of the
 * CentOS Cloud SIG. A data centre usually mirrors these and names its mirror in the inventory.
 */
export const DEFAULT_REPOSITORIES: readonly PackageRepository[] = [
  {
    id: 'base',
    name: 'CentOS-7.9.2009 - Base (vault)',
    baseUrl: 'https://vault.centos.org/7.9.2009/os/$basearch/',
    gpgKey: 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7',
  },
  {
    id: 'updates',
    name: 'CentOS-7.9.2009 - Updates (vault)',
    baseUrl: 'https://vault.centos.org/7.9.2009/updates/$basearch/',
    gpgKey: 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7',
  },
  {
    id: 'extras',
    name: 'CentOS-7.9.2009 - Extras (vault)',
    baseUrl: 'https://vault.centos.org/7.9.2009/extras/$basearch/',
    gpgKey: 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7',
  },
  {
    id: 'centos-openstack-liberty',
    name: 'CentOS-7 - OpenStack Liberty (vault)',
    baseUrl: 'https://vault.centos.org/7.3.1611/cloud/$basearch/openstack-liberty/',
    gpgKey: 'https://www.centos.org/keys/RPM-GPG-KEY-CentOS-SIG-Cloud',
  },
];

export function repositoriesOf(ctx: RenderContext): readonly PackageRepository[] {
  return ctx.inventory.network.repositories ?? DEFAULT_REPOSITORIES;
}

/** The one repo file every node gets; each repository signed when it names a key. */
export function renderRepoFile(ctx: RenderContext): string {
  const sections = repositoriesOf(ctx).map((repository) =>
    [
      `[${repository.id}]`,
      `name=${repository.name}`,
      `baseurl=${repository.baseUrl}`,
      'enabled=1',
      ...(repository.gpgKey ? ['gpgcheck=1', `gpgkey=${repository.gpgKey}`] : ['gpgcheck=0']),
    ].join('\n'),
  );
  return `# Managed by OpSprint from the inventory's network.repositories.\n\n${sections.join('\n\n')}\n`;
}

/**
 * What replaces the distribution's CentOS-Base.repo: its base/updates/extras point at the dead
 * mirrorlist, and one unreachable enabled repository makes every yum command fail.
 */
export const CENTOS_BASE_REPO_PLACEHOLDER =
  '# Managed by OpSprint: the distribution repositories (mirrorlist.centos.org is gone since CentOS 7 reached\n# its end of life) are replaced by the ones in opsprint.repo, written from the inventory.\n';
