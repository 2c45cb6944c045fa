import type { LabHost } from './lab-host.js';

export interface ListeningPort {
  proto: 'tcp' | 'udp';
  address: string;
  port: number;
  program: string;
}

/** Where each running unit listens, as `netstat -lntup` shows it on the seed's controller. */
export async function listeningPorts(host: LabHost): Promise<ListeningPort[]> {
  const ports: ListeningPort[] = [];
  const add = (unit: string, program: string, list: [number, string?][], proto: 'tcp' | 'udp' = 'tcp') => {
    if (!host.isActive(unit)) return;
    for (const [port, address = '0.0.0.0'] of list) ports.push({ proto, address, port, program });
  };
  add('sshd', 'sshd', [[22]]);
  add('chronyd', 'chronyd', [[123], [323, '127.0.0.1']], 'udp');
  add('mariadb', 'mysqld', [[3306]]);
  add('rabbitmq-server', 'beam.smp', [[25672]]);
  add('rabbitmq-server', 'epmd', [[4369]]);
  if (host.isActive('rabbitmq-server')) {
    ports.push({ proto: 'tcp', address: ':::', port: 5672, program: 'beam.smp' });
    if (host.rabbit.runningPlugins.has('rabbitmq_management'))
      ports.push({ proto: 'tcp', address: '0.0.0.0', port: 15672, program: 'beam.smp' });
  }
  add('memcached', 'memcached', [[11211, '127.0.0.1']]);
  if (host.isActive('httpd')) {
    const wsgi = await host.fs.exists('/etc/httpd/conf.d/wsgi-keystone.conf');
    const httpd: [number, string?][] = wsgi
      ? [
          [80, ':::'],
          [5000, ':::'],
          [35357, ':::'],
        ]
      : [[80, ':::']];
    add('httpd', 'httpd', httpd);
  }
  add('openstack-glance-api', 'python2', [[9292]]);
  add('openstack-glance-registry', 'python2', [[9191]]);
  add('openstack-nova-api', 'python2', [[8774], [8775]]);
  add('openstack-nova-novncproxy', 'python2', [[6080]]);
  add('neutron-server', 'python2', [[9696]]);
  add('libvirtd', 'libvirtd', [[16509]]);
  return ports;
}
