import type { RenderContext } from '../model.js';
import type { IniSections } from '../render/ini.js';
import { keystoneUrl } from '../steps/openstack-cli.js';
import { keystoneAuthtoken } from './glance.js';
import { rabbitSection } from './nova-config.js';

/**
 * Neutron's configuration files as the seed's `grep '^[a-z]'` listings show them. The
 * compute node gets the controller's neutron.conf and ml2_conf.ini unchanged (the seed
 * copies them with scp); only linuxbridge_agent.ini differs per node (its provider NIC).
 */

export const NEUTRON_CONF = '/etc/neutron/neutron.conf';
export const ML2_CONF = '/etc/neutron/plugins/ml2/ml2_conf.ini';
export const LINUXBRIDGE_AGENT_INI = '/etc/neutron/plugins/ml2/linuxbridge_agent.ini';
export const DHCP_AGENT_INI = '/etc/neutron/dhcp_agent.ini';
export const METADATA_AGENT_INI = '/etc/neutron/metadata_agent.ini';
export const PLUGIN_INI_LINK = '/etc/neutron/plugin.ini';

export function neutronConf(ctx: RenderContext): IniSections {
  const controllerIp = ctx.controller.managementIp;
  return {
    DEFAULT: {
      state_path: '/var/lib/neutron',
      core_plugin: 'ml2',
      service_plugins: 'router',
      auth_strategy: 'keystone',
      notify_nova_on_port_status_changes: 'True',
      notify_nova_on_port_data_changes: 'True',
      nova_url: `http://${controllerIp}:8774/v2`,
      rpc_backend: 'rabbit',
    },
    database: { connection: `mysql://neutron:${ctx.secrets.NEUTRON_DBPASS}@${controllerIp}:3306/neutron` },
    keystone_authtoken: keystoneAuthtoken(ctx, 'neutron', ctx.secrets.NEUTRON_PASS),
    nova: {
      auth_url: keystoneUrl(ctx, 35357, ''),
      auth_plugin: 'password',
      project_domain_id: 'default',
      user_domain_id: 'default',
      region_name: ctx.inventory.network.region,
      project_name: 'service',
      username: 'nova',
      password: ctx.secrets.NOVA_PASS,
    },
    oslo_concurrency: { lock_path: '$state_path/lock' },
    oslo_messaging_rabbit: rabbitSection(ctx),
  };
}

export function ml2Conf(ctx: RenderContext): IniSections {
  return {
    ml2: {
      type_drivers: 'flat,vlan,gre,vxlan,geneve',
      tenant_network_types: 'vlan,gre,vxlan,geneve',
      mechanism_drivers: 'openvswitch,linuxbridge',
      extension_drivers: 'port_security',
    },
    ml2_type_flat: { flat_networks: ctx.inventory.network.provider.physicalNetwork },
    securitygroup: { enable_ipset: 'True' },
  };
}

/** Bridges the provider network onto this node's own provider interface. */
export function linuxbridgeAgentConf(ctx: RenderContext): IniSections {
  return {
    linux_bridge: {
      physical_interface_mappings: `${ctx.inventory.network.provider.physicalNetwork}:${ctx.node.providerInterface}`,
    },
    vxlan: { enable_vxlan: 'false' },
    agent: { prevent_arp_spoofing: 'True' },
    securitygroup: {
      firewall_driver: 'neutron.agent.linux.iptables_firewall.IptablesFirewallDriver',
      enable_security_group: 'True',
    },
  };
}

export function dhcpAgentConf(): IniSections {
  return {
    DEFAULT: {
      interface_driver: 'neutron.agent.linux.interface.BridgeInterfaceDriver',
      dhcp_driver: 'neutron.agent.linux.dhcp.Dnsmasq',
      enable_isolated_metadata: 'True',
    },
  };
}

export function metadataAgentConf(ctx: RenderContext): IniSections {
  return {
    DEFAULT: {
      auth_uri: keystoneUrl(ctx, 5000, ''),
      auth_url: keystoneUrl(ctx, 35357, ''),
      auth_region: ctx.inventory.network.region,
      auth_plugin: 'password',
      project_domain_id: 'default',
      user_domain_id: 'default',
      project_name: 'service',
      username: 'neutron',
      password: ctx.secrets.NEUTRON_PASS,
      nova_metadata_ip: ctx.controller.managementIp,
      metadata_proxy_shared_secret: ctx.secrets.METADATA_SECRET,
    },
  };
}
