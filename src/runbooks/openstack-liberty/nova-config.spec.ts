import type { RenderContext } from '../model.js';
import { renderIni } from '../render/ini.js';
import { exampleInventory } from './example-inventory.js';
import { missingEntries, substitute } from './ini-entries.fixture.js';
import { computeNovaConf, controllerNovaConf } from './nova-config.js';
import { contextFor, freshSecrets, otherInventory } from './nova-neutron.fixture.js';
import * as seed from './seed-config-listings.fixture.js';

/** The seed's controller values → this environment's. */
function controllerValues(ctx: RenderContext): Array<[string | RegExp, string]> {
  return [
    ['mysql://nova:nova@', `mysql://nova:${ctx.secrets.NOVA_DBPASS}@`],
    [/^password = nova$/gm, `password = ${ctx.secrets.NOVA_PASS}`],
    [/^password = neutron$/gm, `password = ${ctx.secrets.NEUTRON_PASS}`],
    [/^metadata_proxy_shared_secret = neutron$/gm, `metadata_proxy_shared_secret = ${ctx.secrets.METADATA_SECRET}`],
    [/^rabbit_password=openstack$/gm, `rabbit_password=${ctx.secrets.RABBIT_PASS}`],
    ['RegionOne', ctx.inventory.network.region],
    ['192.168.56.11', ctx.controller.managementIp],
    ['192.168.56.12', ctx.node.managementIp],
  ];
}

describe.each([
  ['the seed inventory', exampleInventory()],
  ['another environment', otherInventory()],
])('nova.conf rendered for %s', (_label, inventory) => {
  const secrets = freshSecrets();
  const controller = inventory.nodes[0];
  const compute = inventory.nodes[1];

  describe('on the controller', () => {
    const ctx = contextFor(inventory, secrets, controller.name);
    const rendered = renderIni(controllerNovaConf(ctx));

    it("has every setting of the seed's controller nova.conf, with this environment's values", () => {
      expect(missingEntries(rendered, substitute(seed.controllerNovaConf, controllerValues(ctx)))).toEqual([]);
    });

    it("has the Neutron chapter's [neutron] section with the metadata proxy", () => {
      expect(missingEntries(rendered, substitute(seed.controllerNovaNeutronSection, controllerValues(ctx)))).toEqual([]);
      expect(rendered).toContain(`[neutron]\nurl = http://${controller.managementIp}:9696\n`);
    });

    it('sets the lock path the brief asks for', () => {
      expect(rendered).toContain('[oslo_concurrency]\nlock_path = /var/lib/nova/tmp\n');
    });
  });

  describe('on a compute node', () => {
    const ctx = contextFor(inventory, secrets, compute.name);
    const kvm = renderIni(computeNovaConf(ctx, 'kvm'));

    it("has the seed's compute settings: its own my_ip, VNC on 0.0.0.0 via the controller's proxy, glance on the controller", () => {
      expect(missingEntries(kvm, substitute(seed.computeNovaConfSettings, controllerValues(ctx)))).toEqual([]);
      expect(kvm).toContain(`my_ip = ${compute.managementIp}\n`);
      expect(kvm).toContain(`novncproxy_base_url = http://${controller.managementIp}:6080/vnc_auto.html\n`);
      expect(kvm).toContain('vncserver_proxyclient_address = $my_ip\n');
    });

    it('keeps what the seed copied from the controller (database, RabbitMQ, Keystone) and has [neutron] without the metadata proxy', () => {
      const copied = substitute(seed.controllerNovaConf, controllerValues(ctx))
        .split('\n')
        .filter((line) => !/^(my_ip|vncserver_listen|host)=/.test(line))
        .join('\n');
      expect(missingEntries(kvm, copied)).toEqual([]);
      expect(missingEntries(kvm, substitute(seed.computeNovaNeutronSection, controllerValues(ctx)))).toEqual([]);
      expect(kvm).not.toContain('service_metadata_proxy');
      expect(kvm).not.toContain('metadata_proxy_shared_secret');
    });

    it('differs between the kvm and qemu renderings only in virt_type', () => {
      const qemu = renderIni(computeNovaConf(ctx, 'qemu'));
      expect(kvm).toContain('[libvirt]\nvirt_type = kvm\n');
      expect(qemu).toContain('[libvirt]\nvirt_type = qemu\n');
      expect(qemu.replace('virt_type = qemu', 'virt_type = kvm')).toBe(kvm);
    });
  });
});

describe('nova.conf on every compute node of a larger environment', () => {
  it("uses each node's own management IP", () => {
    const inventory = otherInventory();
    const secrets = freshSecrets();
    const rendered = inventory.nodes
      .filter((node) => node.roles.includes('compute'))
      .map((node) => renderIni(computeNovaConf(contextFor(inventory, secrets, node.name), 'kvm')));
    expect(rendered[0]).toContain('my_ip = 10.20.0.21\n');
    expect(rendered[1]).toContain('my_ip = 10.20.0.22\n');
  });
});
