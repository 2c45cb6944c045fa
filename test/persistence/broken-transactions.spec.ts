/**
 * A transaction whose connection dies (PostgreSQL restarted, a network cut) must give its pooled
 * connection back. Prisma's ROLLBACK fails on the dead connection and, before the fix, the adapter
 * never released it: the pool shrank by one each time, and $disconnect() never returned, so a
 * service could not shut down after its database went away and came back.
 */
import { createPrismaClient } from '../../src/persistence/prisma.service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const POOL = 2;
let db: TestDatabase;
let proxy: TcpProxy;

beforeAll(async () => {
  db = await createTestDatabase();
  const direct = new URL(db.tcpUrl);
  proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
});
afterAll(async () => {
  proxy?.close();
  await db?.drop();
});

it('keeps the pool usable and disconnects after more broken transactions than it has connections', async () => {
  const prisma = createPrismaClient(proxy.route(db.tcpUrl), { max: POOL });
  for (let i = 0; i < POOL + 1; i++) {
    const broken = prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1`;
      proxy.cut(); // the connection dies in the middle of the transaction
      await tx.$queryRaw`SELECT 2`;
    });
    await expect(broken).rejects.toThrow();
    proxy.restore();
  }
  // Were the dead connections still checked out, this would wait for a free one forever.
  expect(await prisma.$queryRaw`SELECT 42 AS answer`).toEqual([{ answer: 42 }]);
  await prisma.$disconnect();
}, 30_000);
