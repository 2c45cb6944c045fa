import type { CommandStep, RenderContext, SecretName } from '../model.js';
import { shellQuote } from '../render/shell.js';
import { command } from './command.js';
import { withAuth, type OpenstackAuth } from './openstack-cli.js';

/** Keystone objects created by name, each probed first (`show`, or a name list) so reruns are no-ops. */

export function ensureProject(name: string, description: string, auth: OpenstackAuth = 'admin-openrc'): CommandStep {
  return command(`project-${name}`, {
    title: `Create project ${name}`,
    run: (ctx) =>
      withAuth(auth, ctx, `openstack project create --domain default --description ${shellQuote(description)} ${shellQuote(name)}`),
    guard: (ctx) => withAuth(auth, ctx, `openstack project show ${shellQuote(name)}`),
  });
}

export function ensureUser(name: string, passwordSecret: SecretName, auth: OpenstackAuth = 'admin-openrc'): CommandStep {
  return command(`user-${name}`, {
    title: `Create user ${name} in domain default`,
    run: (ctx: RenderContext) =>
      withAuth(
        auth,
        ctx,
        `openstack user create --domain default --password ${shellQuote(ctx.secrets[passwordSecret])} ${shellQuote(name)}`,
      ),
    guard: (ctx) => withAuth(auth, ctx, `openstack user show ${shellQuote(name)}`),
  });
}

export function ensureRole(name: string, auth: OpenstackAuth = 'admin-openrc'): CommandStep {
  return command(`role-${name}`, {
    title: `Create role ${name}`,
    run: (ctx) => withAuth(auth, ctx, `openstack role create ${shellQuote(name)}`),
    guard: (ctx) => withAuth(auth, ctx, `openstack role list -f value -c Name | grep -qx ${shellQuote(name)}`),
  });
}

export function grantRole(role: string, user: string, project: string, auth: OpenstackAuth = 'admin-openrc'): CommandStep {
  const args = `--project ${shellQuote(project)} --user ${shellQuote(user)}`;
  return command(`grant-${role}-${user}-${project}`, {
    title: `Give ${user} the ${role} role in project ${project}`,
    run: (ctx) => withAuth(auth, ctx, `openstack role add ${args} ${shellQuote(role)}`),
    // Identity v3 `role list --project --user` (OSC 1.x) lists the roles the user has in that project.
    guard: (ctx) => withAuth(auth, ctx, `openstack role list ${args} -f value -c Name | grep -qx ${shellQuote(role)}`),
  });
}
