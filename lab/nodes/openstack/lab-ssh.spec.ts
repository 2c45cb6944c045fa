import type { Client } from 'ssh2';
import { parseOpenStackTable } from '../../../src/runbooks/parse/openstack-table.js';
import { startLab, type Lab } from '../lab.js';
import { connectTo, disconnect, execOn } from '../lab-ssh-client.js';
import { USE_VAULT_REPOSITORIES } from '../vault-repositories.js';
import { KEYSTONE_BOOTSTRAP, KEYSTONE_INSTALL, TOKEN_ENV } from './cloud-lab.fixture.js';

describe('the OpenStack commands on a lab node reached over SSH (startLab wiring)', () => {
  let lab: Lab;
  let client: Client;

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 1 });
    client = await connectTo(lab.nodes[0]!, lab.clientPrivateKey!);
  });

  afterAll(async () => {
    await disconnect(client);
    await lab.stop();
  });

  it('answers 127 before the client package is installed, then bootstraps Keystone with the seed lines', async () => {
    expect((await execOn(client, 'openstack user list')).exitCode).toBe(127);
    expect(await execOn(client, USE_VAULT_REPOSITORIES)).toMatchObject({ exitCode: 0 });
    for (const line of KEYSTONE_INSTALL) expect(await execOn(client, line)).toMatchObject({ exitCode: 0 });
    for (const line of KEYSTONE_BOOTSTRAP) expect(await execOn(client, `${TOKEN_ENV} && ${line}`)).toMatchObject({ exitCode: 0 });
    const projects = await execOn(client, `${TOKEN_ENV} && openstack project list`);
    expect(
      parseOpenStackTable(projects.stdout)
        .map((p) => p.Name)
        .sort(),
    ).toEqual(['admin', 'demo', 'service']);
  });
});
