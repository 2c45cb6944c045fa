import { Prisma } from '@prisma/client';
import { isConnectionLost } from './errors.js';

describe('isConnectionLost', () => {
  it('treats a cut connection as an outage, whichever Prisma path reports it', () => {
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLost(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    // What $queryRaw threw when the proxy was cut mid-write (seen in the PostgreSQL outage fault test).
    const raw = new Prisma.PrismaClientKnownRequestError(
      'Invalid `prisma.$queryRaw()` invocation:\n\nRaw query failed. Code: `N/A`. Message: `Server has closed the connection.`',
      { code: 'P2010', clientVersion: Prisma.prismaVersion.client },
    );
    expect(isConnectionLost(raw)).toBe(true);
  });

  it('does not retry errors that a later attempt cannot fix', () => {
    const unique = new Prisma.PrismaClientKnownRequestError('Unique constraint failed on the fields: (`name`)', {
      code: 'P2002',
      clientVersion: Prisma.prismaVersion.client,
    });
    expect(isConnectionLost(unique)).toBe(false);
    expect(isConnectionLost(new Error('step run 1 is gone; its result was not recorded'))).toBe(false);
  });
});
