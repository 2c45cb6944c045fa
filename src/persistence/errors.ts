import { Prisma } from '@prisma/client';

/** A unique constraint said no: the row exists already (or, for deployments, the environment is busy). */
export class UniqueViolation extends Error {
  constructor(readonly target: string) {
    super(`unique constraint violated: ${target}`);
    this.name = 'UniqueViolation';
  }
}

/** Runs a write and turns Prisma's P2002 into UniqueViolation, so callers need not know Prisma. */
export async function unique<T>(target: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw new UniqueViolation(target);
    throw error;
  }
}

/** The environment has a queued or running deployment: it may not change or go away under it. */
export class ActiveDeploymentExists extends Error {
  constructor(
    readonly deploymentId: string,
    readonly status: string,
  ) {
    super(`deployment ${deploymentId} is ${status}`);
    this.name = 'ActiveDeploymentExists';
  }
}

/** PostgreSQL did not answer (down, restarted, connection cut): the same write may succeed later. */
export function isConnectionLost(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError && ['P1001', 'P1002', 'P1008', 'P1017'].includes(error.code)) return true;
  const text = `${(error as NodeJS.ErrnoException)?.code ?? ''} ${(error as Error)?.message ?? ''}`;
  // A raw query ($queryRaw, the ledger's one-statement step write) reports a cut connection as
  // P2010 "Raw query failed … Server has closed the connection", not as P1017.
  return /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|terminating connection|Can't reach database|connection is closed|Server has closed the connection/i.test(
    text,
  );
}

/**
 * Runs a write until PostgreSQL takes it, while the failures are lost connections, for at most
 * `patienceMs`: for results of work already done elsewhere (a step that ran on a host), which
 * would otherwise be done again.
 */
export async function persistThroughOutage<T>(write: () => Promise<T>, patienceMs: number, signal?: AbortSignal): Promise<T> {
  const deadline = Date.now() + patienceMs;
  for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await write();
    } catch (error) {
      if (!isConnectionLost(error) || Date.now() + delay > deadline || signal?.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
