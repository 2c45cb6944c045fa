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
