import type { RenderContext } from '../model.js';
import { shellQuote } from '../render/shell.js';
import { command, expectRow, phase, story, verifyTable, withAuth } from '../steps/index.js';

/** Seed: "创建网络" / "创建一个子网": the shared flat provider network instances attach to. */

/** The seed names the subnet after its network: flat → flat-subnet. */
export function providerSubnetName(ctx: RenderContext): string {
  return `${ctx.inventory.network.provider.name}-subnet`;
}

/**
 * Probe: does `neutron net-list` / `subnet-list` (the seed's own commands) have a row with
 * this name? The name is the table's second column, awk's $4 between the `|` separators.
 */
export function neutronListHasName(list: 'net-list' | 'subnet-list', name: string): string {
  return `neutron ${list} | awk -v name=${shellQuote(name)} '$4 == name' | grep -q .`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Neutron prints a network with a subnet on the same line as `<subnet id> <cidr>`. */
export function netListExpectation(ctx: RenderContext) {
  const { name, cidr } = ctx.inventory.network.provider;
  return expectRow({ name, subnets: new RegExp(`^[0-9a-f-]{36} ${escapeRegExp(cidr)}$`, 'm') }, `network ${name} has its ${cidr} subnet`);
}

export const providerNetwork = phase('provider-network', {
  title: 'Flat provider network and subnet',
  goal: 'A shared flat network on the provider physical network, with a subnet whose allocation pool, gateway and DNS come from the environment, exists once.',
  dependsOn: ['neutron-controller', 'neutron-compute'],
  on: 'controller',
  stories: [
    story('create-provider-network', {
      title: 'Create the shared flat provider network',
      userStory:
        'As an operator I want one shared flat network on the provider physical network so that every project can attach instances directly to the physical network.',
      acceptanceCriteria: [
        'network <provider name> exists, shared, with provider:network_type flat on the provider physical network',
        'running the phase again does not create a second network',
      ],
      steps: [
        command('net-create', {
          title: 'Create the flat provider network (as admin)',
          run: (ctx) => {
            const { name, physicalNetwork } = ctx.inventory.network.provider;
            return withAuth(
              'admin-openrc',
              ctx,
              `neutron net-create ${shellQuote(name)} --shared --provider:physical_network ${shellQuote(physicalNetwork)} --provider:network_type flat`,
            );
          },
          guard: (ctx) => withAuth('admin-openrc', ctx, neutronListHasName('net-list', ctx.inventory.network.provider.name)),
        }),
      ],
    }),
    story('create-provider-subnet', {
      title: 'Create the provider subnet',
      userStory:
        'As an operator I want a subnet on the provider network with our allocation pool, gateway and DNS server so that instances get addresses that do not collide with the hosts.',
      acceptanceCriteria: [
        "subnet <provider name>-subnet exists on the provider network with the environment's CIDR",
        "its allocation pool runs from the environment's start to end address, with the environment's DNS server and gateway",
        '`neutron net-list` shows the network with its subnet; `neutron subnet-list` shows the subnet, CIDR and pool',
      ],
      steps: [
        command('subnet-create', {
          title: 'Create the provider subnet with its allocation pool, DNS server and gateway',
          run: (ctx) => {
            const p = ctx.inventory.network.provider;
            return withAuth(
              'admin-openrc',
              ctx,
              [
                `neutron subnet-create ${shellQuote(p.name)} ${shellQuote(p.cidr)}`,
                `--name ${shellQuote(providerSubnetName(ctx))}`,
                `--allocation-pool ${shellQuote(`start=${p.allocationStart},end=${p.allocationEnd}`)}`,
                `--dns-nameserver ${shellQuote(p.dns)}`,
                `--gateway ${shellQuote(p.gateway)}`,
              ].join(' '),
            );
          },
          guard: (ctx) => withAuth('admin-openrc', ctx, neutronListHasName('subnet-list', providerSubnetName(ctx))),
        }),
        verifyTable('verify-net-list', {
          title: 'neutron net-list shows the provider network with its subnet',
          run: (ctx) => withAuth('admin-openrc', ctx, 'neutron net-list'),
          format: 'table',
          expect: (ctx) => [netListExpectation(ctx)],
        }),
        verifyTable('verify-subnet-list', {
          title: 'neutron subnet-list shows the subnet, its CIDR and allocation pool',
          run: (ctx) => withAuth('admin-openrc', ctx, 'neutron subnet-list'),
          format: 'table',
          expect: (ctx) => {
            const p = ctx.inventory.network.provider;
            return [
              expectRow(
                {
                  name: providerSubnetName(ctx),
                  cidr: p.cidr,
                  allocation_pools: `{"start": "${p.allocationStart}", "end": "${p.allocationEnd}"}`,
                },
                `subnet ${providerSubnetName(ctx)} has ${p.cidr} and the pool ${p.allocationStart}-${p.allocationEnd}`,
              ),
            ];
          },
        }),
      ],
    }),
  ],
});
