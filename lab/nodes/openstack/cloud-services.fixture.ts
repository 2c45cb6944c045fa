/** The seed's Glance, Nova and Neutron sections as command lines, on top of cloud-lab.fixture's Keystone. */
import { runAll, type CloudLab } from './cloud-lab.fixture.js';

const ADMIN = 'source /root/admin-openrc.sh';

const AUTHTOKEN = (user: string) => `[keystone_authtoken]
auth_uri = http://192.168.56.11:5000
auth_url = http://192.168.56.11:35357
auth_plugin = password
project_domain_id = default
user_domain_id = default
project_name = service
username = ${user}
password = ${user}`;

/** Register a service user and the service with its three endpoints, as the seed does for glance, nova and neutron. */
export function registration(user: string, name: string, type: string, description: string, url: string): string[] {
  return [
    `openstack user create --domain default --password=${user} ${user}`,
    `openstack role add --project service --user ${user} admin`,
    `openstack service create --name ${name} --description "${description}" ${type}`,
    ...['public', 'internal', 'admin'].map((iface) => `openstack endpoint create --region RegionOne ${type} ${iface} ${url}`),
  ];
}

/** How one service reaches another through Keystone (nova.conf [neutron], neutron.conf [nova]), with the seed's account. */
const SERVICE_ACCOUNT = (section: string, user: string) => `[${section}]
auth_url = http://192.168.56.11:35357
auth_plugin = password
project_domain_id = default
user_domain_id = default
region_name = RegionOne
project_name = service
username = ${user}
password = ${user}`;

const RABBIT_SECTION = `[oslo_messaging_rabbit]
rabbit_host=192.168.56.11
rabbit_port=5672
rabbit_userid=openstack
rabbit_password=openstack`;

export const RABBITMQ = [
  'yum install -y rabbitmq-server',
  'systemctl enable rabbitmq-server.service && systemctl start rabbitmq-server.service',
  'rabbitmqctl add_user openstack openstack',
  'rabbitmqctl set_permissions openstack ".*" ".*" ".*"',
];

export const DATABASES = `mysql -uroot -e "${['glance', 'nova', 'neutron']
  .map(
    (db) =>
      `CREATE DATABASE ${db}; GRANT ALL PRIVILEGES ON ${db}.* TO '${db}'@'localhost' IDENTIFIED BY '${db}'; GRANT ALL PRIVILEGES ON ${db}.* TO '${db}'@'%' IDENTIFIED BY '${db}';`,
  )
  .join(' ')}"`;

export const GLANCE = [
  'yum install -y openstack-glance python-glance python-glanceclient',
  `cat > /etc/glance/glance-api.conf <<'EOF'
[DEFAULT]
notification_driver = noop
[database]
connection=mysql://glance:glance@192.168.56.11/glance
${AUTHTOKEN('glance')}
[paste_deploy]
flavor=keystone
[glance_store]
default_store=file
filesystem_store_datadir=/var/lib/glance/images/
EOF`,
  `cat > /etc/glance/glance-registry.conf <<'EOF'
[database]
connection=mysql://glance:glance@192.168.56.11/glance
${AUTHTOKEN('glance')}
EOF`,
  'su -s /bin/sh -c "glance-manage db_sync" glance',
  'systemctl start openstack-glance-api openstack-glance-registry',
];

export const NOVA_CONF_CONTROLLER = `[DEFAULT]
my_ip=192.168.56.11
enabled_apis=osapi_compute,metadata
auth_strategy=keystone
rpc_backend=rabbit
[database]
connection=mysql://nova:nova@192.168.56.11/nova
[glance]
host=$my_ip
${AUTHTOKEN('nova')}
${SERVICE_ACCOUNT('neutron', 'neutron')}
url = http://192.168.56.11:9696
${RABBIT_SECTION}
[vnc]
vncserver_listen=$my_ip
vncserver_proxyclient_address=$my_ip
`;

export const NOVA_CONTROLLER = [
  'yum install -y openstack-nova-api openstack-nova-cert openstack-nova-conductor openstack-nova-console openstack-nova-novncproxy openstack-nova-scheduler python-novaclient',
  `cat > /etc/nova/nova.conf <<'EOF'\n${NOVA_CONF_CONTROLLER}EOF`,
  'su -s /bin/sh -c "nova-manage db sync" nova',
  'systemctl start openstack-nova-api.service openstack-nova-cert.service openstack-nova-consoleauth.service openstack-nova-scheduler.service openstack-nova-conductor.service openstack-nova-novncproxy.service',
];

export const NOVA_COMPUTE = [
  'yum install -y openstack-nova-compute',
  `cat > /etc/nova/nova.conf <<'EOF'\n${NOVA_CONF_CONTROLLER.replace('my_ip=192.168.56.11', 'my_ip=192.168.56.12')}novncproxy_base_url=http://192.168.56.11:6080/vnc_auto.html\nEOF`,
  'systemctl start libvirtd openstack-nova-compute',
];

const NEUTRON_CONF = `[DEFAULT]
core_plugin = ml2
service_plugins = router
rpc_backend=rabbit
[database]
connection = mysql://neutron:neutron@192.168.56.11:3306/neutron
${AUTHTOKEN('neutron')}
${SERVICE_ACCOUNT('nova', 'nova')}
${RABBIT_SECTION}
`;

const ML2_CONF = `[ml2]
type_drivers = flat,vlan,gre,vxlan,geneve
tenant_network_types = vlan,gre,vxlan,geneve
mechanism_drivers = openvswitch,linuxbridge
extension_drivers = port_security
[ml2_type_flat]
flat_networks = physnet1
[securitygroup]
enable_ipset = True
`;

const LINUXBRIDGE = `[linux_bridge]
physical_interface_mappings = physnet1:eth0
[vxlan]
enable_vxlan = false
`;

const neutronFiles = [
  `cat > /etc/neutron/neutron.conf <<'EOF'\n${NEUTRON_CONF}EOF`,
  `cat > /etc/neutron/plugins/ml2/ml2_conf.ini <<'EOF'\n${ML2_CONF}EOF`,
  `cat > /etc/neutron/plugins/ml2/linuxbridge_agent.ini <<'EOF'\n${LINUXBRIDGE}EOF`,
  'ln -s /etc/neutron/plugins/ml2/ml2_conf.ini /etc/neutron/plugin.ini',
];

export const NEUTRON_CONTROLLER = [
  'yum install -y openstack-neutron openstack-neutron-ml2 openstack-neutron-linuxbridge python-neutronclient',
  ...neutronFiles,
  "printf '[DEFAULT]\\ninterface_driver = neutron.agent.linux.interface.BridgeInterfaceDriver\\ndhcp_driver = neutron.agent.linux.dhcp.Dnsmasq\\n' > /etc/neutron/dhcp_agent.ini",
  "printf '[DEFAULT]\\nnova_metadata_ip = 192.168.56.11\\nmetadata_proxy_shared_secret = neutron\\n' > /etc/neutron/metadata_agent.ini",
  'su -s /bin/sh -c "neutron-db-manage --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade head" neutron',
  'systemctl start neutron-server.service neutron-linuxbridge-agent.service neutron-dhcp-agent.service neutron-metadata-agent.service',
];

export const NEUTRON_COMPUTE = [
  'yum install -y openstack-neutron openstack-neutron-linuxbridge',
  ...neutronFiles,
  'systemctl start neutron-linuxbridge-agent.service',
];

/** Everything up to the provider network, on both nodes. */
export async function servicesReady(lab: CloudLab): Promise<void> {
  await runAll(lab.controller, [...RABBITMQ, DATABASES, ...GLANCE]);
  await runAll(
    lab.controller,
    [
      ...registration('glance', 'glance', 'image', 'OpenStack Image service', 'http://192.168.56.11:9292'),
      ...registration('nova', 'nova', 'compute', 'OpenStack Compute', 'http://192.168.56.11:8774/v2/%\\(tenant_id\\)s'),
      ...registration('neutron', 'neutron', 'network', 'OpenStack Networking', 'http://192.168.56.11:9696'),
    ],
    ADMIN,
  );
  await runAll(lab.controller, [...NOVA_CONTROLLER, ...NEUTRON_CONTROLLER]);
  await runAll(lab.compute, [...NOVA_COMPUTE, ...NEUTRON_COMPUTE]);
}
