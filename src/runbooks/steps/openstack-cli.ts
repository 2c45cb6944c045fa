import type { RenderContext } from '../model.js';
import { shellQuote } from '../render/shell.js';

/** Where the seed keeps the credential files (root's home on the controller). */
export const ADMIN_OPENRC_PATH = '/root/admin-openrc.sh';
export const DEMO_OPENRC_PATH = '/root/demo-openrc.sh';

export type OpenstackAuth = 'admin-token' | 'admin-openrc';

export function keystoneUrl(ctx: RenderContext, port: 5000 | 35357, version: 'v3' | 'v2.0' | '' = 'v3'): string {
  return `http://${ctx.controller.managementIp}:${port}${version ? `/${version}` : ''}`;
}

/**
 * Prefix a CLI command with credentials. Before users exist (Keystone bootstrap) the seed
 * uses the admin token; afterwards it sources admin-openrc.sh.
 */
export function withAuth(auth: OpenstackAuth, ctx: RenderContext, commandLine: string): string {
  // A list of commands runs only when the credentials were loaded, as a whole.
  const body = commandLine.includes(';') ? `{ ${commandLine}; }` : commandLine;
  if (auth === 'admin-openrc') return `source ${ADMIN_OPENRC_PATH} && ${body}`;
  const token = shellQuote(ctx.secrets.ADMIN_TOKEN);
  return `export OS_TOKEN=${token} OS_URL=${keystoneUrl(ctx, 35357)} OS_IDENTITY_API_VERSION=3 && ${body}`;
}
