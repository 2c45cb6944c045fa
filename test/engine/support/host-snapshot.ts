import type { Lab } from '../../../lab/nodes/lab.js';

// Read-only CLI calls leave these behind on a real cloud too (a token per call, a listing counter in the lab): not changes.
const EPHEMERAL = new Set(['tokens', 'timesListed']);

function plain(key: string, value: unknown): unknown {
  if (EPHEMERAL.has(key)) return undefined;
  if (value instanceof Map) return Object.fromEntries([...value.entries()].sort(([a], [b]) => String(a).localeCompare(String(b))));
  if (value instanceof Set) return [...value].sort();
  return value;
}

/** Everything a deployment could change on the lab's hosts: files (content, mode), packages, services, owners, databases, brokers. */
export async function snapshotHosts(lab: Lab): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  for (const [name, host] of lab.hosts) {
    const files: Record<string, string> = {};
    // /dev/null is written by every `2>/dev/null`.
    for (const path of host.fs
      .getAllPaths()
      .filter((p) => !p.startsWith('/dev/'))
      .sort()) {
      const stat = await host.fs.stat(path);
      files[path] = stat.isFile
        ? `${stat.mode.toString(8)} ${await host.fs.readFile(path)}`
        : `${stat.mode.toString(8)} ${stat.isDirectory ? 'dir' : 'link'}`;
    }
    result[name] = JSON.parse(
      JSON.stringify(
        {
          hostname: host.hostname,
          timezone: host.timezone,
          selinux: host.selinux,
          packages: host.packages,
          services: host.services,
          owners: host.owners,
          mysql: host.mysql,
          rabbit: host.rabbit,
          bridges: host.bridges,
          gpgKeys: host.importedGpgKeys,
          files,
        },
        plain,
      ),
    );
  }
  const { keystone, glance, nova, neutron } = lab.cloud;
  result.cloud = JSON.parse(JSON.stringify({ keystone, glance, nova, neutron }, plain));
  return result;
}
