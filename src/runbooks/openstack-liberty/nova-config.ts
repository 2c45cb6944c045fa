import type { RenderContext } from '../model.js';
import type { IniSections, IniValue } from '../render/ini.js';
import { databaseUrl } from '../steps/database.js';
import { keystoneUrl } from '../steps/openstack-cli.js';
import { keystoneAuthtoken } from './glance.js';
import { RABBIT_USER } from './rabbitmq.js';

/**
 * /etc/nova/nova.conf as the seed ends up with it. The seed edits the file in three
 * places (Nova controller, Nova compute after `scp` of the controller's file, and the
 * [neutron] section in the Neutron chapter); here each node's final file is rendered
 * whole, so every phase that writes it writes the same bytes and a rerun changes nothing.
 * Where the seed's "其他" snippet and its final `grep` differ (typos in the driver
 * class names), the final `grep` wins.
 */

export type VirtType = 'kvm' | 'qemu';
export const NOVA_CONF = '/etc/nova/nova.conf';

export function rabbitSection(ctx: RenderContext): Record<string, IniValue> {
  return {
    rabbit_host: ctx.controller.managementIp,
    rabbit_port: 5672,
    rabbit_userid: RABBIT_USER,
    rabbit_password: ctx.secrets.RABBIT_PASS,
  };
}

/** nova.conf [neutron]: the controller also proxies metadata requests (service_metadata_proxy). */
export function novaNeutronSection(ctx: RenderContext, withMetadataProxy: boolean): Record<string, IniValue> {
  const section: Record<string, IniValue> = {
    url: `http://${ctx.controller.managementIp}:9696`,
    auth_url: keystoneUrl(ctx, 35357, ''),
    auth_plugin: 'password',
    project_domain_id: 'default',
    user_domain_id: 'default',
    region_name: ctx.inventory.network.region,
    project_name: 'service',
    username: 'neutron',
    password: ctx.secrets.NEUTRON_PASS,
  };
  if (withMetadataProxy) {
    section.service_metadata_proxy = 'true';
    section.metadata_proxy_shared_secret = ctx.secrets.METADATA_SECRET;
  }
  return section;
}

function defaultSection(myIp: string): Record<string, IniValue> {
  return {
    my_ip: myIp,
    enabled_apis: 'osapi_compute,metadata',
    auth_strategy: 'keystone',
    network_api_class: 'nova.network.neutronv2.api.API',
    linuxnet_interface_driver: 'nova.network.linux_net.NeutronLinuxBridgeInterfaceDriver',
    security_group_api: 'neutron',
    firewall_driver: 'nova.virt.libvirt.firewall.NoopFirewallDriver',
    rpc_backend: 'rabbit',
  };
}

/** The controller's nova.conf (seed: "控制节点全部配置" plus the Neutron chapter's [neutron]). */
export function controllerNovaConf(ctx: RenderContext): IniSections {
  return {
    DEFAULT: defaultSection(ctx.controller.managementIp),
    database: { connection: databaseUrl(ctx, 'nova', 'nova', 'NOVA_DBPASS') },
    glance: { host: '$my_ip' },
    keystone_authtoken: keystoneAuthtoken(ctx, 'nova', ctx.secrets.NOVA_PASS),
    neutron: novaNeutronSection(ctx, true),
    oslo_concurrency: { lock_path: '/var/lib/nova/tmp' },
    oslo_messaging_rabbit: rabbitSection(ctx),
    vnc: { vncserver_listen: '$my_ip', vncserver_proxyclient_address: '$my_ip' },
  };
}

/**
 * A compute node's nova.conf: the seed copies the controller's file (`scp`) and then sets
 * my_ip, the VNC console, glance host and libvirt virt_type for the node.
 */
export function computeNovaConf(ctx: RenderContext, virtType: VirtType): IniSections {
  return {
    DEFAULT: defaultSection(ctx.node.managementIp),
    database: { connection: databaseUrl(ctx, 'nova', 'nova', 'NOVA_DBPASS') },
    glance: { host: ctx.controller.managementIp },
    keystone_authtoken: keystoneAuthtoken(ctx, 'nova', ctx.secrets.NOVA_PASS),
    libvirt: { virt_type: virtType },
    neutron: novaNeutronSection(ctx, false),
    oslo_concurrency: { lock_path: '/var/lib/nova/tmp' },
    oslo_messaging_rabbit: rabbitSection(ctx),
    vnc: {
      enabled: 'true',
      keymap: 'en-us',
      vncserver_listen: '0.0.0.0',
      vncserver_proxyclient_address: '$my_ip',
      novncproxy_base_url: `http://${ctx.controller.managementIp}:6080/vnc_auto.html`,
    },
  };
}
