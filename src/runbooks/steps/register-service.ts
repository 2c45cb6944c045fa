import type { CommandStep, RenderContext, SecretName } from '../model.js';
import { shellQuote } from '../render/shell.js';
import { command } from './command.js';
import { withKey } from './define.js';
import { ensureUser, grantRole } from './identity.js';
import { withAuth, type OpenstackAuth } from './openstack-cli.js';

export interface ServiceRegistration {
  /** Service name in the catalog, e.g. glance. */
  name: string;
  /** Catalog type, e.g. image. */
  type: string;
  description: string;
  port: number;
  /** Port of the admin endpoint when it differs (Keystone: 35357). */
  adminPort?: number;
  /** Path after host:port, e.g. /v2/%(tenant_id)s. */
  path?: string;
  /** The service's own Keystone user (added to project service with role admin); Keystone has none. */
  serviceUser?: string;
  passwordSecret?: SecretName;
  /** Credentials the CLI uses; the catalog's first entry (identity) is made with the admin token. */
  auth?: OpenstackAuth;
}

const INTERFACES = ['public', 'internal', 'admin'] as const;

function endpointFilter(ctx: RenderContext, type: string, iface: (typeof INTERFACES)[number]): string {
  return `--service ${shellQuote(type)} --interface ${iface} --region ${shellQuote(ctx.inventory.network.region)}`;
}

export function endpointUrl(ctx: RenderContext, registration: ServiceRegistration, iface: (typeof INTERFACES)[number]): string {
  const port = iface === 'admin' && registration.adminPort ? registration.adminPort : registration.port;
  return `http://${ctx.controller.managementIp}:${port}${registration.path ?? ''}`;
}

/**
 * The seed's registration pattern, repeated for keystone, glance, nova and neutron:
 * service user + admin role in project service, the service, and its public/internal/admin
 * endpoints in the region. Every sub-step has its own probe so a rerun changes nothing.
 */
export function registerService(registration: ServiceRegistration): CommandStep[] {
  const { name, type, description, serviceUser, passwordSecret } = registration;
  const auth = registration.auth ?? 'admin-openrc';
  if ((serviceUser === undefined) !== (passwordSecret === undefined)) {
    throw new Error(`registerService(${name}): serviceUser and passwordSecret go together`);
  }
  const cli = (line: string) => (ctx: RenderContext) => withAuth(auth, ctx, line);
  const steps: CommandStep[] = [];

  if (serviceUser && passwordSecret) {
    steps.push(
      withKey(`register-${name}-user`, ensureUser(serviceUser, passwordSecret, 'service', auth)),
      withKey(`register-${name}-role`, grantRole('admin', serviceUser, 'service', auth)),
    );
  }

  steps.push(
    command(`register-${name}-service`, {
      title: `Create the ${name} service (${type})`,
      run: cli(`openstack service create --name ${shellQuote(name)} --description ${shellQuote(description)} ${shellQuote(type)}`),
      guard: cli(`openstack service list -f value -c Name -c Type | grep -qx ${shellQuote(`${name} ${type}`)}`),
    }),
  );

  for (const iface of INTERFACES) {
    steps.push(
      command(`register-${name}-endpoint-${iface}`, {
        title: `Create the ${iface} ${type} endpoint`,
        // An endpoint with another URL (an earlier controller address, a typo) is replaced, not kept beside the right one.
        run: (ctx) => {
          const filter = endpointFilter(ctx, type, iface);
          return withAuth(
            auth,
            ctx,
            `for id in $(openstack endpoint list ${filter} -f value -c ID); do openstack endpoint delete "$id" || exit 1; done; openstack endpoint create --region ${shellQuote(ctx.inventory.network.region)} ${shellQuote(type)} ${iface} ${shellQuote(endpointUrl(ctx, registration, iface))}`,
          );
        },
        // Exactly one endpoint for the service, interface and region, with the expected URL.
        guard: (ctx) =>
          withAuth(
            auth,
            ctx,
            `[ "$(openstack endpoint list ${endpointFilter(ctx, type, iface)} -f value -c URL)" = ${shellQuote(endpointUrl(ctx, registration, iface))} ]`,
          ),
      }),
    );
  }
  return steps;
}
