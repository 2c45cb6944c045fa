import { describe, expect, it } from '@jest/globals';
import { InventoryError, assertValidInventory, isHostname, validateInventory } from './inventory.js';
import type { Inventory } from './model.js';
import { exampleInventory } from './openstack-liberty/example-inventory.js';

function problemsAfter(change: (inv: Inventory) => void): string[] {
  const inventory = exampleInventory();
  change(inventory);
  return validateInventory(inventory);
}

describe('validateInventory', () => {
  it('accepts the seed-shaped lab inventory', () => {
    expect(validateInventory(exampleInventory())).toEqual([]);
    expect(() => assertValidInventory(exampleInventory())).not.toThrow();
  });

  it.each<[string, (inv: Inventory) => void, string]>([
    ['bad management IP', (inv) => (inv.nodes[1].managementIp = '300.1.1.1'), 'nodes[1].managementIp: "300.1.1.1" is not an IPv4 address'],
    [
      'IP outside the management network',
      (inv) => (inv.nodes[1].managementIp = '10.0.0.12'),
      'nodes[1].managementIp: 10.0.0.12 is outside network.managementCidr 192.168.56.0/24',
    ],
    [
      'bad host name',
      (inv) => (inv.nodes[0].name = 'linux_node1.example.com'),
      'nodes[0].name: "linux_node1.example.com" is not a valid host name (RFC 1123)',
    ],
    [
      'host name label starting with a hyphen',
      (inv) => (inv.nodes[0].name = '-node.example.com'),
      'nodes[0].name: "-node.example.com" is not a valid host name (RFC 1123)',
    ],
    [
      'bad interface',
      (inv) => (inv.nodes[1].providerInterface = 'eth0; reboot'),
      'nodes[1].providerInterface: "eth0; reboot" is not a valid interface name',
    ],
    [
      'unknown role',
      (inv) => (inv.nodes[1].roles = ['storage' as never]),
      'nodes[1].roles[0]: "storage" is not a role (controller, compute)',
    ],
    ['bad ssh port', (inv) => (inv.nodes[0].ssh.port = 70000), 'nodes[0].ssh.port: 70000 is not a TCP port (1-65535)'],
    [
      'CIDR with host bits',
      (inv) => (inv.network.managementCidr = '192.168.56.1/24'),
      'network.managementCidr: "192.168.56.1/24" is not a CIDR (a.b.c.d/n with no host bits)',
    ],
    [
      'pool outside the provider CIDR',
      (inv) => (inv.network.provider.allocationEnd = '192.168.57.10'),
      'network.provider.allocationEnd: 192.168.57.10 is outside network.provider.cidr 192.168.56.0/24',
    ],
    [
      'gateway outside the provider CIDR',
      (inv) => (inv.network.provider.gateway = '10.0.0.1'),
      'network.provider.gateway: 10.0.0.1 is outside network.provider.cidr 192.168.56.0/24',
    ],
    [
      'gateway inside the pool',
      (inv) => (inv.network.provider.gateway = '192.168.56.150'),
      'network.provider.gateway: 192.168.56.150 lies inside the allocation pool 192.168.56.100-192.168.56.200',
    ],
    [
      'pool reversed',
      (inv) => (inv.network.provider.allocationStart = '192.168.56.250'),
      'network.provider.allocationEnd: 192.168.56.200 comes before allocationStart 192.168.56.250',
    ],
    [
      'node IP inside the instance pool',
      (inv) => (inv.nodes[1].managementIp = '192.168.56.150'),
      'nodes[1].managementIp: 192.168.56.150 lies inside the provider allocation pool 192.168.56.100-192.168.56.200; Neutron would hand it to an instance',
    ],
    ['bad DNS', (inv) => (inv.network.provider.dns = 'dns.local'), 'network.provider.dns: "dns.local" is not an IPv4 address'],
    [
      'bad time zone',
      (inv) => (inv.network.timezone = 'Asia/Shanghai; reboot'),
      'network.timezone: "Asia/Shanghai; reboot" is not a time zone name like Asia/Shanghai',
    ],
    [
      'bad image URL',
      (inv) => (inv.network.imageUrl = 'ftp://x/cirros.img'),
      'network.imageUrl: "ftp://x/cirros.img" is not an http(s) URL',
    ],
    [
      'image checksum of unknown form',
      (inv) => (inv.network.imageChecksum = 'ee1eca47dc88f4879d8a229cc70a07c6'),
      'network.imageChecksum: "ee1eca47dc88f4879d8a229cc70a07c6" is not md5:<32 hex digits> or sha256:<64 hex digits>',
    ],
    [
      'no repositories at all',
      (inv) => (inv.network.repositories = []),
      'network.repositories: must list at least one repository (or be left out for the CentOS vault defaults)',
    ],
    [
      'a repository URL that would break the repo file',
      (inv) => (inv.network.repositories = [{ id: 'base', name: 'Base', baseUrl: 'http://mirror/centos\nenabled=0' }]),
      'network.repositories[0].baseUrl: "http://mirror/centos\\nenabled=0" is not an http(s)://, ftp:// or file:// URL',
    ],
    [
      'a repository id with a space',
      (inv) => (inv.network.repositories = [{ id: 'my base', name: 'Base', baseUrl: 'http://mirror/centos/7/os/$basearch/' }]),
      "network.repositories[0].id: \"my base\" is not a yum repository id (letters, digits, '.', '_', '-')",
    ],
    [
      'two repositories with one id',
      (inv) =>
        (inv.network.repositories = [
          { id: 'base', name: 'Base', baseUrl: 'http://a/' },
          { id: 'base', name: 'Base again', baseUrl: 'http://b/', gpgKey: 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7' },
        ]),
      'network.repositories[1].id: "base" is used by another repository',
    ],
  ])('rejects %s, naming the field', (_case, change, message) => {
    expect(problemsAfter(change)).toContain(message);
  });

  it('accepts a local mirror with and without signing keys, and no repository setting at all (the vault defaults)', () => {
    expect(
      problemsAfter((inv) => {
        inv.network.repositories = [
          { id: 'base', name: 'CentOS 7.9 (mirror)', baseUrl: 'http://mirror.dc1.example.com/centos/7.9.2009/os/$basearch/' },
          {
            id: 'liberty',
            name: 'RDO Liberty (mirror)',
            baseUrl: 'file:///srv/repos/openstack-liberty/',
            gpgKey: 'https://www.centos.org/keys/RPM-GPG-KEY-CentOS-SIG-Cloud',
          },
        ];
      }),
    ).toEqual([]);
    expect(problemsAfter((inv) => delete inv.network.repositories)).toEqual([]);
  });

  it('requires exactly one controller and at least one compute', () => {
    expect(problemsAfter((inv) => (inv.nodes[1].roles = ['controller']))).toEqual([
      'nodes: exactly one node must have role controller (found 2)',
      'nodes: at least one node must have role compute',
    ]);
  });

  it('rejects duplicate node names and IPs', () => {
    const problems = problemsAfter((inv) => {
      inv.nodes[1].name = inv.nodes[0].name.toUpperCase();
      inv.nodes[1].managementIp = inv.nodes[0].managementIp;
    });
    expect(problems).toEqual([
      'nodes[1].name: "LINUX-NODE1.EXAMPLE.COM" is used by another node',
      'nodes[1].managementIp: "192.168.56.11" is used by another node',
    ]);
  });

  it('accepts an all-in-one node that is both controller and compute', () => {
    expect(
      problemsAfter((inv) => {
        inv.nodes = [{ ...inv.nodes[0], roles: ['controller', 'compute'] }];
      }),
    ).toEqual([]);
  });

  it('throws an InventoryError listing every problem', () => {
    const inventory = exampleInventory();
    inventory.nodes[0].managementIp = '1.2.3';
    inventory.network.provider.gateway = 'x';
    expect(() => assertValidInventory(inventory)).toThrow(InventoryError);
    expect(() => assertValidInventory(inventory)).toThrow(/nodes\[0\]\.managementIp: "1\.2\.3".*network\.provider\.gateway: "x"/);
  });
});

describe('isHostname', () => {
  it('follows RFC 1123', () => {
    expect(isHostname('linux-node1.example.com')).toBe(true);
    expect(isHostname('1node')).toBe(true);
    expect(isHostname('node-')).toBe(false);
    expect(isHostname('a'.repeat(64))).toBe(false);
    expect(isHostname('a..b')).toBe(false);
  });
});
