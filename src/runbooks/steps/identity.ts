import type { CommandStep, RenderContext, SecretName } from '../model.js';
import { shellQuote } from '../render/shell.js';
import { command } from './command.js';
import { keystoneUrl, withAuth, type OpenstackAuth } from './openstack-cli.js';

/** Keystone objects created by name, each probed first (`show`, or a name list) so reruns are no-ops. */

export function ensureProject(name: string, description: string, auth: OpenstackAuth = 'admin-openrc'): CommandStep {
  return command(`project-${name}`, {
    title: `Create project ${name}`,
    run: (ctx) =>
      withAuth(auth, ctx, `openstack project create --domain default --description ${shellQuote(description)} ${shellQuote(name)}`),
    guard: (ctx) => withAuth(auth, ctx, `openstack project show ${shellQuote(name)}`),
  });
}

/**
 * Does `user` get a token for `project` with `password`? The password travels in OS_PASSWORD,
 * set for that one command by the shell (an environment entry, not an argument `ps` shows).
 */
export function keystonePasswordWorks(ctx: RenderContext, user: string, password: string, project: string): string {
  return [
    `OS_PASSWORD=${shellQuote(password)} openstack --os-auth-type password --os-auth-url ${keystoneUrl(ctx, 35357)}`,
    '--os-identity-api-version 3 --os-user-domain-id default --os-project-domain-id default',
    `--os-project-name ${shellQuote(project)} --os-username ${shellQuote(user)} token issue >/dev/null`,
  ].join(' ');
}

/**
 * A user whose generated password authenticates. The probe logs in as the user (scoped to the
 * project it works in), so a changed secret is applied: an existing user gets the new password
 * with `user set`. The CLI of Liberty takes a new password only as an argument (its prompt needs a
 * terminal), which is why `user create`/`user set` are the one place a password is an argument.
 */
export function ensureUser(name: string, passwordSecret: SecretName, project: string, auth: OpenstackAuth = 'admin-openrc'): CommandStep {
  return command(`user-${name}`, {
    title: `Create user ${name} in domain default, or give it its current password`,
    run: (ctx: RenderContext) => {
      const password = shellQuote(ctx.secrets[passwordSecret]);
      const user = shellQuote(name);
      return withAuth(
        auth,
        ctx,
        `if openstack user show ${user} >/dev/null 2>&1; then openstack user set --password ${password} ${user}; else openstack user create --domain default --password ${password} ${user}; fi`,
      );
    },
    guard: (ctx) => keystonePasswordWorks(ctx, name, ctx.secrets[passwordSecret], project),
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
