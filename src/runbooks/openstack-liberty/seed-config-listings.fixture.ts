/**
 * Configuration listings copied verbatim from the seed (shared/seed/openstack-liberty-private-cloud-notes.md):
 * what the rendered files must contain, once the seed's addresses and demo passwords are
 * replaced by the environment's.
 */

/** Seed lines 737-760: grep '^[a-Z]' /etc/nova/nova.conf on the controller (控制节点全部配置). */
export const controllerNovaConf = `my_ip=192.168.56.11
enabled_apis=osapi_compute,metadata
auth_strategy=keystone
network_api_class=nova.network.neutronv2.api.API
linuxnet_interface_driver=nova.network.linux_net.NeutronLinuxBridgeInterfaceDriver
security_group_api=neutron
firewall_driver=nova.virt.libvirt.firewall.NoopFirewallDriver
rpc_backend=rabbit
connection=mysql://nova:nova@192.168.56.11/nova
host=$my_ip
auth_uri = http://192.168.56.11:5000
auth_url = http://192.168.56.11:35357
auth_plugin = password
project_domain_id = default
user_domain_id = default
project_name = service
username = nova
password = nova
rabbit_host=192.168.56.11
rabbit_port=5672
rabbit_userid=openstack
rabbit_password=openstack
vncserver_listen=$my_ip
vncserver_proxyclient_address=$my_ip
`;

/** Seed lines 789-799: the compute node's nova.conf settings (计算节点配置). */
export const computeNovaConfSettings = `[DEFAULT]
my_ip=192.168.56.12
[vnc]
novncproxy_base_url=http://192.168.56.11:6080/vnc_auto.html
vncserver_listen=0.0.0.0
enabled=true
keymap=en-us
[glance]
host=192.168.56.11
[libvirt]
virt_type=kvm
`;

/** Seed lines 1066-1077: the [neutron] section of the controller's nova.conf. */
export const controllerNovaNeutronSection = `[neutron]
url = http://192.168.56.11:9696
auth_url = http://192.168.56.11:35357
auth_plugin = password
project_domain_id = default
user_domain_id = default
region_name = RegionOne
project_name = service
username = neutron
password = neutron
service_metadata_proxy=true
metadata_proxy_shared_secret = neutron
`;

/** Seed lines 1125-1134: the [neutron] section of the compute node's nova.conf. */
export const computeNovaNeutronSection = `[neutron]
url = http://192.168.56.11:9696
auth_url = http://192.168.56.11:35357
auth_plugin = password
project_domain_id = default
user_domain_id = default
region_name = RegionOne
project_name = service
username = neutron
password = neutron
`;

/** Seed lines 1146-1175: grep '^[a-z]' /etc/neutron/neutron.conf (copied from the controller). */
export const neutronConf = `state_path = /var/lib/neutron
core_plugin = ml2
service_plugins = router
auth_strategy = keystone
notify_nova_on_port_status_changes = True
notify_nova_on_port_data_changes = True
nova_url = http://192.168.56.11:8774/v2
rpc_backend=rabbit
auth_uri = http://192.168.56.11:5000
auth_url = http://192.168.56.11:35357
auth_plugin = password
project_domain_id = default
user_domain_id = default
project_name = service
username = neutron
password = neutron
connection = mysql://neutron:neutron@192.168.56.11:3306/neutron
auth_url = http://192.168.56.11:35357
auth_plugin = password
project_domain_id = default
user_domain_id = default
region_name = RegionOne
project_name = service
username = nova
password = nova
lock_path = $state_path/lock
rabbit_host = 192.168.56.11
rabbit_port = 5672
rabbit_userid = openstack
rabbit_password = openstack
`;

/** Seed lines 1179-1184: grep '^[a-z]' ml2_conf.ini. */
export const ml2Conf = `type_drivers = flat,vlan,gre,vxlan,geneve
tenant_network_types = vlan,gre,vxlan,geneve
mechanism_drivers = openvswitch,linuxbridge
extension_drivers = port_security
flat_networks = physnet1
enable_ipset = True
`;

/** Seed lines 1138-1142: grep '^[a-z]' linuxbridge_agent.ini. */
export const linuxbridgeAgentIni = `physical_interface_mappings = physnet1:eth0
enable_vxlan = false
prevent_arp_spoofing = True
firewall_driver = neutron.agent.linux.iptables_firewall.IptablesFirewallDriver
enable_security_group = True
`;

/** Seed lines 1046-1048: grep '^[a-z]' dhcp_agent.ini. */
export const dhcpAgentIni = `interface_driver = neutron.agent.linux.interface.BridgeInterfaceDriver
dhcp_driver = neutron.agent.linux.dhcp.Dnsmasq
enable_isolated_metadata = True
`;

/** Seed lines 1052-1062: grep '^[a-z]' metadata_agent.ini. */
export const metadataAgentIni = `auth_uri = http://192.168.56.11:5000
auth_url = http://192.168.56.11:35357
auth_region = RegionOne
auth_plugin = password
project_domain_id = default
user_domain_id = default
project_name = service
username = neutron
password = neutron
nova_metadata_ip = 192.168.56.11
metadata_proxy_shared_secret = neutron
`;
