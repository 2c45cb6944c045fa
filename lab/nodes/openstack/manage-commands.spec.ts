import { type CloudLab, startCloudLab } from './cloud-lab.fixture.js';

describe('the db sync tools against the lab MariaDB', () => {
  let lab: CloudLab;
  const sh = (line: string) => lab.controller.sh(line);

  beforeEach(async () => {
    lab = await startCloudLab();
    await sh(
      'yum install -y mariadb-server openstack-glance openstack-nova-api openstack-neutron openstack-neutron-ml2 openstack-keystone',
    );
  });

  it('reports the MariaDB error oslo.db would: server down, unknown database, then syncs', async () => {
    await sh("printf '[database]\\nconnection=mysql://nova:nova@192.168.56.11/nova\\n' > /etc/nova/nova.conf");
    const down = await sh('su -s /bin/sh -c "nova-manage db sync" nova');
    expect(down).toMatchObject({
      exitCode: 1,
      stderr: `CRITICAL nova [-] OperationalError: (_mysql_exceptions.OperationalError) (2003, "Can't connect to MySQL server on '192.168.56.11' (111)")\n`,
    });
    await sh(`systemctl start mariadb && mysql -uroot -e "GRANT ALL PRIVILEGES ON nova.* TO 'nova'@'%' IDENTIFIED BY 'nova';"`);
    const unknown = await sh('su -s /bin/sh -c "nova-manage db sync" nova');
    expect(unknown.stderr).toContain(`(1049, "Unknown database 'nova'")`);
    await sh('mysql -uroot -e "CREATE DATABASE nova;"');
    expect(await sh('su -s /bin/sh -c "nova-manage db sync" nova')).toMatchObject({ exitCode: 0 });
    expect((await sh('mysql -uroot -N nova -e "SHOW TABLES" | grep -cx instances')).stdout).toBe('1\n');
  });

  it('falls back to SQLite without a [database] connection, like oslo.db', async () => {
    const result = await sh('su -s /bin/sh -c "glance-manage db_sync" glance');
    expect(result).toMatchObject({
      exitCode: 1,
      stderr: 'CRITICAL glance [-] OperationalError: (sqlite3.OperationalError) unable to open database file\n',
    });
  });

  it('neutron-db-manage names missing config files and upgrades to head with the seed line', async () => {
    const missing = await sh(
      'neutron-db-manage --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/nope.ini upgrade head',
    );
    expect(missing).toMatchObject({
      exitCode: 1,
      stderr: 'oslo_config.cfg.ConfigFilesNotFoundError: Failed to find some config files: /etc/neutron/plugins/ml2/nope.ini\n',
    });
    await sh(
      `systemctl start mariadb && mysql -uroot -e "CREATE DATABASE neutron; GRANT ALL PRIVILEGES ON neutron.* TO 'neutron'@'%' IDENTIFIED BY 'neutron';"`,
    );
    await sh("printf '[database]\\nconnection = mysql://neutron:neutron@192.168.56.11:3306/neutron\\n' > /etc/neutron/neutron.conf");
    const upgrade = await sh(
      'su -s /bin/sh -c "neutron-db-manage --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade head" neutron',
    );
    expect(upgrade.exitCode).toBe(0);
    expect(upgrade.stderr.trim().endsWith('OK')).toBe(true);
  });

  it('rejects an unknown subcommand with argparse status 2', async () => {
    const result = await sh('keystone-manage db_synch');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("invalid choice: 'db_synch'");
  });
});
