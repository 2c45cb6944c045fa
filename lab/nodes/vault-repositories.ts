import { DEFAULT_REPOSITORIES } from '../../src/runbooks/openstack-liberty/package-repositories.js';
import type { LabHost } from './lab-host.js';

/**
 * What an operator does by hand before installing anything on a CentOS 7 host today: point
 * CentOS-Base.repo at the vault (its mirrorlist is gone) and add the Liberty repository. The
 * runbook's base phase does the same from the inventory; lab tests that start later use this.
 */
export const VAULT_REPO_FILE = `${DEFAULT_REPOSITORIES.map(
  (r) => `[${r.id}]\nname=${r.name}\nbaseurl=${r.baseUrl}\nenabled=1\n${r.gpgKey ? `gpgcheck=1\ngpgkey=${r.gpgKey}` : 'gpgcheck=0'}\n`,
).join('\n')}`;

/** A command line that installs VAULT_REPO_FILE as CentOS-Base.repo (for tests that drive a node over SSH). */
export const USE_VAULT_REPOSITORIES = `cat > /etc/yum.repos.d/CentOS-Base.repo <<'OPSPRINT_REPOS'\n${VAULT_REPO_FILE}OPSPRINT_REPOS`;

export async function useVaultRepositories(host: LabHost): Promise<void> {
  await host.fs.writeFile('/etc/yum.repos.d/CentOS-Base.repo', VAULT_REPO_FILE);
}
