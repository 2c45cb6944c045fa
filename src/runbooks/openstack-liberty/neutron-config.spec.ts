import type { RenderContext } from '../model.js';
import { renderIni } from '../render/ini.js';
import { exampleInventory } from './example-inventory.js';
import { missingEntries, substitute } from './ini-entries.fixture.js';
import { dhcpAgentConf, linuxbridgeAgentConf, metadataAgentConf, ml2Conf, neutronConf } from './neutron-config.js';
import { contextFor, freshSecrets, otherInventory } from './nova-neutron.fixture.js';
import * as seed from './seed-config-listings.fixture.js';

function environmentValues(ctx: RenderContext): Array<[string | RegExp, string]> {
  const provider = ctx.inventory.network.provider;
  return [
    ['mysql://neutron:neutron@', `mysql://neutron:${ctx.secrets.NEUTRON_DBPASS}@`],
    [/^password = neutron$/gm, `password = ${ctx.secrets.NEUTRON_PASS}`],
    [/^password = nova$/gm, `password = ${ctx.secrets.NOVA_PASS}`],
    [/^rabbit_password = openstack$/gm, `rabbit_password = ${ctx.secrets.RABBIT_PASS}`],
    [/^metadata_proxy_shared_secret = neutron$/gm, `metadata_proxy_shared_secret = ${ctx.secrets.METADATA_SECRET}`],
    ['physnet1:eth0', `${provider.physicalNetwork}:${ctx.node.providerInterface}`],
    [/^flat_networks = physnet1$/gm, `flat_networks = ${provider.physicalNetwork}`],
    ['RegionOne', ctx.inventory.network.region],
    ['192.168.56.11', ctx.controller.managementIp],
  ];
}

describe.each([
  ['the seed inventory', exampleInventory()],
  ['another environment', otherInventory()],
])('Neutron files rendered for %s', (_label, inventory) => {
  const secrets = freshSecrets();
  const controller = contextFor(inventory, secrets, inventory.nodes[0].name);
  const compute = contextFor(inventory, secrets, inventory.nodes[1].name);

  it.each([
    ['neutron.conf', () => neutronConf(controller), seed.neutronConf],
    ['ml2_conf.ini', () => ml2Conf(controller), seed.ml2Conf],
    ['dhcp_agent.ini', () => dhcpAgentConf(), seed.dhcpAgentIni],
    ['metadata_agent.ini', () => metadataAgentConf(controller), seed.metadataAgentIni],
    ['linuxbridge_agent.ini (controller)', () => linuxbridgeAgentConf(controller), seed.linuxbridgeAgentIni],
  ])("%s has every setting of the seed's listing with this environment's values", (_file, render, listing) => {
    expect(missingEntries(renderIni(render()), substitute(listing, environmentValues(controller)))).toEqual([]);
  });

  it("bridges the provider network on each node's own interface", () => {
    const onCompute = renderIni(linuxbridgeAgentConf(compute));
    expect(missingEntries(onCompute, substitute(seed.linuxbridgeAgentIni, environmentValues(compute)))).toEqual([]);
    expect(onCompute).toContain(
      `physical_interface_mappings = ${inventory.network.provider.physicalNetwork}:${inventory.nodes[1].providerInterface}\n`,
    );
  });

  it("gives the compute node the controller's neutron.conf and ml2_conf.ini, as the seed's scp does", () => {
    expect(renderIni(neutronConf(compute))).toBe(renderIni(neutronConf(controller)));
    expect(renderIni(ml2Conf(compute))).toBe(renderIni(ml2Conf(controller)));
  });

  it('puts the database connection on port 3306 of the controller, as the seed', () => {
    expect(renderIni(neutronConf(controller))).toContain(
      `connection = mysql://neutron:${secrets.NEUTRON_DBPASS}@${inventory.nodes[0].managementIp}:3306/neutron\n`,
    );
  });
});

describe('linuxbridge_agent.ini across several compute nodes', () => {
  it("uses each node's provider interface", () => {
    const inventory = otherInventory();
    const secrets = freshSecrets();
    const mappings = inventory.nodes.map(
      (node) => renderIni(linuxbridgeAgentConf(contextFor(inventory, secrets, node.name))).match(/physical_interface_mappings = (.*)/)?.[1],
    );
    expect(mappings).toEqual(['physext:ens3', 'physext:ens4', 'physext:ens5']);
  });
});
