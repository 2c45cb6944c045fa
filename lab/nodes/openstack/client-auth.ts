/**
 * How the Liberty clients authenticate: `--os-*` options or OS_* variables, the admin
 * token (OS_TOKEN + OS_URL) for Keystone bootstrap, else a password against OS_AUTH_URL.
 */
import { ApiError } from './api-errors.js';
import { UsageError } from './cli-args.js';
import type { Cloud } from './cloud.js';
import type { CliContext } from './host-port.js';
import { adminTokenSession, passwordSession, type Session } from './service-access.js';

/** Global option → the environment variable it overrides. */
export const GLOBAL_OPTIONS: Record<string, string> = {
  '--os-auth-url': 'OS_AUTH_URL',
  '--os-url': 'OS_URL',
  '--os-token': 'OS_TOKEN',
  '--os-auth-type': 'OS_AUTH_TYPE',
  '--os-username': 'OS_USERNAME',
  '--os-password': 'OS_PASSWORD',
  '--os-project-name': 'OS_PROJECT_NAME',
  '--os-tenant-name': 'OS_TENANT_NAME',
  '--os-project-domain-id': 'OS_PROJECT_DOMAIN_ID',
  '--os-user-domain-id': 'OS_USER_DOMAIN_ID',
  '--os-project-domain-name': 'OS_PROJECT_DOMAIN_NAME',
  '--os-user-domain-name': 'OS_USER_DOMAIN_NAME',
  '--os-identity-api-version': 'OS_IDENTITY_API_VERSION',
  '--os-image-api-version': 'OS_IMAGE_API_VERSION',
  '--os-region-name': 'OS_REGION_NAME',
  '--os-interface': 'OS_INTERFACE',
  '--os-default-domain': 'OS_DEFAULT_DOMAIN',
};
const GLOBAL_FLAGS = new Set(['--debug', '-v', '--verbose', '-q', '--quiet', '--insecure']);

export function splitGlobals(args: string[]): { globals: Map<string, string>; rest: string[] } {
  const globals = new Map<string, string>();
  let i = 0;
  while (i < args.length && args[i].startsWith('-')) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (GLOBAL_FLAGS.has(name)) {
      i++;
      continue;
    }
    if (!(name in GLOBAL_OPTIONS)) break;
    if (eq > 0) {
      globals.set(name, arg.slice(eq + 1));
      i++;
    } else {
      if (i + 1 >= args.length) throw new UsageError(`argument ${name}: expected one argument`);
      globals.set(name, args[i + 1]);
      i += 2;
    }
  }
  return { globals, rest: args.slice(i) };
}

function domainId(id: string | undefined, name: string | undefined): string | undefined {
  if (id) return id;
  if (name) return name === 'Default' ? 'default' : name;
  return undefined;
}

export interface AuthNeeds {
  /** Identity commands may use the admin token at OS_URL; other clients need a password. */
  identity: boolean;
  /** `token issue` only needs a token issued, not validated by a later call. */
  tokenIssue?: boolean;
}

export type Setting = (option: string) => string | undefined;

/** The options of a client's command line override the OS_* variables, as in the real clients. */
export function settings(globals: Map<string, string>, env: Record<string, string>): Setting {
  return (option) => globals.get(option) ?? (env[GLOBAL_OPTIONS[option]] || undefined);
}

export async function authenticate(cloud: Cloud, ctx: CliContext, setting: Setting, command: AuthNeeds): Promise<Session> {
  const token = setting('--os-token');
  const url = setting('--os-url');
  const authType = setting('--os-auth-type');
  const identityV3 = setting('--os-identity-api-version') === '3';
  if (token && authType !== 'password' && command.identity) {
    if (!url) throw new Error('Missing parameter(s): \nSet a service URL, with --os-url, OS_URL or auth.url');
    // A v2 client on a v3 URL asks for /v3/tenants, which Keystone does not have.
    if (command.identity && !identityV3 && /\/v3\/?$/.test(url)) throw new ApiError(404, 'The resource could not be found.');
    return adminTokenSession(cloud, url, token);
  }
  const missing: string[] = [];
  const authUrl = setting('--os-auth-url');
  const username = setting('--os-username');
  if (!authUrl) missing.push('Set an authentication URL, with --os-auth-url, OS_AUTH_URL or auth.auth_url');
  if (!username) missing.push('Set a username with --os-username, OS_USERNAME, or auth.username');
  if (missing.length > 0) throw new Error(`Missing parameter(s): \n${missing.join('\n')}`);
  // Without --os-password the client prompts; a non-interactive caller can only answer on stdin.
  const password = setting('--os-password') ?? ctx.stdin.split('\n')[0];
  if (!password) throw new Error('Missing parameter(s): \nSet a password with --os-password, OS_PASSWORD, or auth.password');
  const userDomain = domainId(setting('--os-user-domain-id'), setting('--os-user-domain-name')) ?? (identityV3 ? undefined : 'default');
  const projectDomain =
    domainId(setting('--os-project-domain-id'), setting('--os-project-domain-name')) ?? (identityV3 ? undefined : 'default');
  if (!userDomain || !projectDomain) {
    throw new ApiError(
      400,
      `Expecting to find domain in ${userDomain ? 'project' : 'user'} - the server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`,
    );
  }
  return passwordSession(
    cloud,
    {
      authUrl: authUrl!,
      username: username!,
      password,
      projectName: setting('--os-project-name') ?? setting('--os-tenant-name'),
      userDomain,
      projectDomain,
    },
    { validateAfterIssue: !command.tokenIssue },
  );
}
