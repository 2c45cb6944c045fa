import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ApiRole } from './roles.js';

/** Who is calling: recorded as requester/actor in deployments and audit events. */
export interface Principal {
  name: string;
  role: ApiRole;
  /** Absent for the bootstrap admin token from OPSPRINT_ADMIN_TOKEN. */
  tokenId?: string;
}

export interface AuthenticatedRequest {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  // The guard runs first on every /api route; reaching here without one is a wiring mistake.
  if (!principal) throw new Error('CurrentPrincipal used on a route the auth guard does not cover');
  return principal;
});
