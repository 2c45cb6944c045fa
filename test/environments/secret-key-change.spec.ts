import { randomBytes } from 'node:crypto';
import ssh2 from 'ssh2';
import { InputError } from '../../src/common/errors.js';
import { EnvironmentsService, SSH_PRIVATE_KEY } from '../../src/environments/environments.service.js';
import { SecretCipher } from '../../src/environments/secret-cipher.js';
import { EnvironmentRepository } from '../../src/persistence/repositories/environment.repository.js';
import { exampleInventory } from '../../src/runbooks/openstack-liberty/example-inventory.js';
import { generateSecrets } from '../../src/runbooks/secrets.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe('secrets stored under another OPSPRINT_SECRET_KEY', () => {
  const inventory = exampleInventory({ environment: 'keyed' });
  const key = ssh2.utils.generateKeyPairSync('ed25519').private;

  it('an update without them is refused naming each unreadable secret; sending them again replaces them', async () => {
    await new EnvironmentsService(new EnvironmentRepository(db.prisma), new SecretCipher(randomBytes(32))).create({
      name: 'keyed',
      network: inventory.network,
      nodes: inventory.nodes,
      secrets: { [SSH_PRIVATE_KEY]: key },
    });
    const withNewKey = new EnvironmentsService(new EnvironmentRepository(db.prisma), new SecretCipher(randomBytes(32)));

    const refusal = await withNewKey.update('keyed', { network: inventory.network, nodes: inventory.nodes }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(InputError);
    expect((refusal as InputError).reasons).toContain(
      "secrets.ADMIN_PASS: stored under a different OPSPRINT_SECRET_KEY, or not for this environment and name; set that key again or send this secret's value again",
    );

    const fresh = { ...generateSecrets(), [SSH_PRIVATE_KEY]: key };
    await withNewKey.update('keyed', { network: inventory.network, nodes: inventory.nodes, secrets: fresh });
    const loaded = await withNewKey.loadForDeployment({ name: 'keyed' });
    expect(loaded.secrets.ADMIN_PASS).toBe(fresh.ADMIN_PASS);
    expect(loaded.sshPrivateKey).toBe(key);
  });
});
