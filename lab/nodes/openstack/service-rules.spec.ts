import { parseOpenStackTable } from '../../../src/runbooks/parse/openstack-table.js';
import { type CloudLab, keystoneReady, runAll, startCloudLab } from './cloud-lab.fixture.js';
import { DATABASES, GLANCE, NEUTRON_CONTROLLER, NOVA_COMPUTE, NOVA_CONTROLLER, RABBITMQ, registration } from './cloud-services.fixture.js';

describe('OpenStack units refuse to start without their configuration, and the APIs depend on them', () => {
  let lab: CloudLab;
  const admin = (line: string) => lab.controller.sh(`source /root/admin-openrc.sh && ${line}`);

  beforeEach(async () => {
    lab = await startCloudLab();
    await keystoneReady(lab);
    await runAll(lab.controller, [...RABBITMQ, DATABASES]);
  });

  it('glance-api needs [database] connection; the image API needs its endpoint and running service', async () => {
    await lab.controller.sh('yum install -y openstack-glance python-glanceclient');
    const refused = await lab.controller.sh('systemctl start openstack-glance-api');
    expect(refused.exitCode).toBe(1);
    expect((await lab.controller.sh('systemctl status openstack-glance-api')).stdout).toContain(
      'option connection in group [database] of /etc/glance/glance-api.conf is not set',
    );
    const noEndpoint = await admin('glance image-list');
    expect(noEndpoint).toMatchObject({ exitCode: 1, stderr: 'public endpoint for image service not found\n' });
    await runAll(
      lab.controller,
      registration('glance', 'glance', 'image', 'OpenStack Image service', 'http://192.168.56.11:9292'),
      'source /root/admin-openrc.sh',
    );
    expect(await admin('glance image-list')).toMatchObject({
      exitCode: 1,
      stderr: 'Unable to establish connection to http://192.168.56.11:9292/v2/images\n',
    });
    await runAll(lab.controller, GLANCE);
    expect((await admin('glance image-list')).exitCode).toBe(0);
  });

  it('glance answers HTTP 500 until glance-manage db_sync has created its tables', async () => {
    await runAll(
      lab.controller,
      GLANCE.filter((line) => !line.includes('db_sync')),
    );
    await runAll(
      lab.controller,
      registration('glance', 'glance', 'image', 'OpenStack Image service', 'http://192.168.56.11:9292'),
      'source /root/admin-openrc.sh',
    );
    const unsynced = await admin('glance image-list');
    expect(unsynced.exitCode).toBe(1);
    expect(unsynced.stderr).toContain('(HTTP 500)');
    const sync = await lab.controller.sh('su -s /bin/sh -c "glance-manage db_sync" glance');
    expect(sync).toMatchObject({ exitCode: 0, stderr: 'No handlers could be found for logger "oslo_config.cfg"\n' });
    expect((await admin('glance image-list')).exitCode).toBe(0);
  });

  it('nova-compute starts only with nova.conf and libvirtd, and shows up in host list only then', async () => {
    await runAll(
      lab.controller,
      registration('nova', 'nova', 'compute', 'OpenStack Compute', 'http://192.168.56.11:8774/v2/%\\(tenant_id\\)s'),
      'source /root/admin-openrc.sh',
    );
    await runAll(lab.controller, NOVA_CONTROLLER);
    await lab.compute.sh('yum install -y openstack-nova-compute && rm -f /etc/nova/nova.conf');
    const noConf = await lab.compute.sh('systemctl start libvirtd openstack-nova-compute');
    expect(noConf.exitCode).toBe(1);
    expect(parseOpenStackTable((await admin('openstack host list')).stdout).map((r) => r.Service)).not.toContain('compute');
    await lab.compute.sh('touch /etc/nova/nova.conf && systemctl stop libvirtd');
    expect((await lab.compute.sh('systemctl start openstack-nova-compute')).exitCode).toBe(1);
    expect((await lab.compute.sh('systemctl status openstack-nova-compute')).stdout).toContain('Connection to the hypervisor is broken');
    await runAll(lab.compute, NOVA_COMPUTE);
    const hosts = parseOpenStackTable((await admin('openstack host list')).stdout);
    expect(hosts).toContainEqual({ 'Host Name': 'linux-node2.example.com', Service: 'compute', Zone: 'nova' });
    const services = parseOpenStackTable((await admin('nova service-list')).stdout);
    expect(services.find((s) => s.Binary === 'nova-compute')).toMatchObject({
      Host: 'linux-node2.example.com',
      Status: 'enabled',
      State: 'up',
    });
  });

  it('a compute node whose nova.conf has the wrong RabbitMQ password never reports, and is down once it stops reporting', async () => {
    await runAll(
      lab.controller,
      registration('nova', 'nova', 'compute', 'OpenStack Compute', 'http://192.168.56.11:8774/v2/%\\(tenant_id\\)s'),
      'source /root/admin-openrc.sh',
    );
    await runAll(lab.controller, NOVA_CONTROLLER);
    await runAll(lab.compute, [
      ...NOVA_COMPUTE.slice(0, 2),
      'sed -i s/rabbit_password=openstack/rabbit_password=wrong/ /etc/nova/nova.conf',
      NOVA_COMPUTE[2]!,
    ]);
    expect((await lab.compute.sh('systemctl is-active openstack-nova-compute')).stdout).toBe('active\n');
    expect(parseOpenStackTable((await admin('openstack host list')).stdout).map((r) => r.Service)).not.toContain('compute');
    await lab.compute.sh('sed -i s/rabbit_password=wrong/rabbit_password=openstack/ /etc/nova/nova.conf');
    expect(parseOpenStackTable((await admin('nova service-list')).stdout).find((s) => s.Binary === 'nova-compute')?.State).toBe('up');
    await lab.controller.sh('systemctl stop rabbitmq-server');
    const down = parseOpenStackTable((await admin('nova service-list')).stdout);
    expect(down.map((s) => s.State)).toEqual(['down', 'down', 'down', 'down', 'down']);
  });

  it('a server booted with no compute node up ends in ERROR', async () => {
    await runAll(lab.controller, [...GLANCE, ...NOVA_CONTROLLER]);
    await runAll(
      lab.controller,
      [
        ...registration('glance', 'glance', 'image', 'OpenStack Image service', 'http://192.168.56.11:9292'),
        ...registration('nova', 'nova', 'compute', 'OpenStack Compute', 'http://192.168.56.11:8774/v2/%\\(tenant_id\\)s'),
      ],
      'source /root/admin-openrc.sh',
    );
    await admin(
      'echo x > /root/cirros.img && glance image-create --name cirros --file /root/cirros.img --disk-format qcow2 --container-format bare --visibility public',
    );
    const boot = await lab.controller.sh('source /root/demo-openrc.sh && nova boot --flavor m1.tiny --image cirros vm1 && nova list');
    expect(boot.exitCode).toBe(0);
    expect(parseOpenStackTable(boot.stdout).pop()).toMatchObject({ Name: 'vm1', Status: 'ERROR' });
  });

  it('neutron-server needs /etc/neutron/plugin.ini and the linuxbridge agent its interface mappings', async () => {
    const [install, ...rest] = NEUTRON_CONTROLLER;
    await lab.controller.sh(install!);
    expect((await lab.controller.sh('systemctl start neutron-linuxbridge-agent')).exitCode).toBe(1);
    expect((await lab.controller.sh('systemctl status neutron-linuxbridge-agent')).stdout).toContain('physical_interface_mappings');
    await runAll(
      lab.controller,
      rest.filter((line) => !line.startsWith('ln -s') && !line.startsWith('systemctl')),
    );
    expect((await lab.controller.sh('systemctl start neutron-server')).exitCode).toBe(1);
    expect((await lab.controller.sh('systemctl status neutron-server')).stdout).toContain('/etc/neutron/plugin.ini');
    await runAll(lab.controller, [
      'ln -s /etc/neutron/plugins/ml2/ml2_conf.ini /etc/neutron/plugin.ini',
      'systemctl start neutron-server neutron-linuxbridge-agent',
    ]);
  });
});
