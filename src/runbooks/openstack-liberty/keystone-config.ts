import type { RenderContext } from '../model.js';
import type { IniSections } from '../render/ini.js';
import { shellQuote } from '../render/shell.js';
import { databaseUrl, keystoneUrl } from '../steps/index.js';

/** Every key of the seed's `grep '^[a-Z]' /etc/keystone/keystone.conf`, plus its `verbose = true`. */
export function keystoneConf(ctx: RenderContext): IniSections {
  return {
    DEFAULT: { admin_token: ctx.secrets.ADMIN_TOKEN, verbose: 'true' },
    database: { connection: databaseUrl(ctx, 'keystone', 'keystone', 'KEYSTONE_DBPASS') },
    memcache: { servers: `${ctx.controller.managementIp}:11211` },
    // Tokens live in memcached instead of an ever-growing SQL table (the seed's reason for memcached).
    token: { provider: 'uuid', driver: 'memcache' },
    revoke: { driver: 'sql' },
  };
}

function wsgiVirtualHost(port: number, group: 'public' | 'admin'): string {
  return `<VirtualHost *:${port}>
    WSGIDaemonProcess keystone-${group} processes=5 threads=1 user=keystone group=keystone display-name=%{GROUP}
    WSGIProcessGroup keystone-${group}
    WSGIScriptAlias / /usr/bin/keystone-wsgi-${group}
    WSGIApplicationGroup %{GLOBAL}
    WSGIPassAuthorization On
    <IfVersion >= 2.4>
      ErrorLogFormat "%{cu}t %M"
    </IfVersion>
    ErrorLog /var/log/httpd/keystone-error.log
    CustomLog /var/log/httpd/keystone-access.log combined

    <Directory /usr/bin>
        <IfVersion >= 2.4>
            Require all granted
        </IfVersion>
        <IfVersion < 2.4>
            Order allow,deny
            Allow from all
        </IfVersion>
    </Directory>
</VirtualHost>
`;
}

/** The seed's /etc/httpd/conf.d/wsgi-keystone.conf: public API on 5000, admin API on 35357. */
export const wsgiKeystoneConf = `Listen 5000
Listen 35357

${wsgiVirtualHost(5000, 'public')}
${wsgiVirtualHost(35357, 'admin')}`;

export type OpenrcUser = 'admin' | 'demo';

/**
 * admin-openrc.sh / demo-openrc.sh as in the seed (admin talks to the admin API on 35357,
 * demo to the public one on 5000). OS_IMAGE_API_VERSION=2 is the line the seed appends after
 * installing Glance; it is written here once so the files have a single owner and reruns
 * do not flip them back and forth.
 */
export function renderOpenrc(ctx: RenderContext, user: OpenrcUser): string {
  const password = user === 'admin' ? ctx.secrets.ADMIN_PASS : ctx.secrets.DEMO_PASS;
  const authUrl = user === 'admin' ? keystoneUrl(ctx, 35357) : keystoneUrl(ctx, 5000);
  return [
    'export OS_PROJECT_DOMAIN_ID=default',
    'export OS_USER_DOMAIN_ID=default',
    `export OS_PROJECT_NAME=${user}`,
    `export OS_TENANT_NAME=${user}`,
    `export OS_USERNAME=${user}`,
    `export OS_PASSWORD=${shellQuote(password)}`,
    `export OS_AUTH_URL=${authUrl}`,
    'export OS_IDENTITY_API_VERSION=3',
    'export OS_IMAGE_API_VERSION=2',
    '',
  ].join('\n');
}

/**
 * The seed's "token by parameters" test: password authentication without an openrc file. The seed
 * passes --os-password; the password goes in OS_PASSWORD instead, set by the shell for this one
 * command, because `ps` shows every argument to every user.
 */
export function passwordTokenIssue(ctx: RenderContext): string {
  return [
    `OS_PASSWORD=${shellQuote(ctx.secrets.ADMIN_PASS)} openstack --os-auth-url ${keystoneUrl(ctx, 35357)}`,
    '--os-project-domain-id default --os-user-domain-id default',
    '--os-project-name admin --os-username admin --os-auth-type password',
    'token issue',
  ].join(' ');
}
