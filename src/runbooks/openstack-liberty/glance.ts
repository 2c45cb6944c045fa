import type { RenderContext } from '../model.js';
import type { IniSections } from '../render/ini.js';
import { shellQuote } from '../render/shell.js';
import {
  ADMIN_OPENRC_PATH,
  command,
  databaseUrl,
  dbSync,
  ensureServices,
  expectRow,
  installPackages,
  keystoneUrl,
  phase,
  registerService,
  story,
  verifyTable,
  writeIni,
} from '../steps/index.js';

/**
 * Seed, "glance": glance-api accepts image requests, glance-registry keeps image metadata,
 * images are stored as files. Both read the database and authenticate through Keystone;
 * Glance needs no message queue. Then the cirros test image is uploaded.
 */

/** The seed's [keystone_authtoken] block, shared by both services (and by nova/neutron with their own user). */
export function keystoneAuthtoken(ctx: RenderContext, username: string, password: string): Record<string, string> {
  return {
    auth_uri: keystoneUrl(ctx, 5000, ''),
    auth_url: keystoneUrl(ctx, 35357, ''),
    auth_plugin: 'password',
    project_domain_id: 'default',
    user_domain_id: 'default',
    project_name: 'service',
    username,
    password,
  };
}

/** Every key of the seed's `grep '^[a-Z]' /etc/glance/glance-api.conf`. */
export function glanceApiConf(ctx: RenderContext): IniSections {
  return {
    DEFAULT: { verbose: 'True', notification_driver: 'noop' },
    database: { connection: databaseUrl(ctx, 'glance', 'glance', 'GLANCE_DBPASS') },
    glance_store: { default_store: 'file', filesystem_store_datadir: '/var/lib/glance/images/' },
    keystone_authtoken: keystoneAuthtoken(ctx, 'glance', ctx.secrets.GLANCE_PASS),
    paste_deploy: { flavor: 'keystone' },
  };
}

/** Every key of the seed's `grep '^[a-Z]' /etc/glance/glance-registry.conf`. */
export function glanceRegistryConf(ctx: RenderContext): IniSections {
  return {
    database: { connection: databaseUrl(ctx, 'glance', 'glance', 'GLANCE_DBPASS') },
    keystone_authtoken: keystoneAuthtoken(ctx, 'glance', ctx.secrets.GLANCE_PASS),
    paste_deploy: { flavor: 'keystone' },
  };
}

/** The seed downloads into /server/tools and uploads from there. */
export const IMAGE_DIRECTORY = '/server/tools';
export const IMAGE_NAME = 'cirros';

export function imageFile(ctx: RenderContext): string {
  const fileName = ctx.inventory.network.imageUrl.split('/').pop() || 'cirros.img';
  return `${IMAGE_DIRECTORY}/${fileName}`;
}

const asAdmin = (line: string) => `source ${ADMIN_OPENRC_PATH} && ${line}`;
const GLANCE_CONF = { mode: '0640', group: 'glance' } as const;

const install = story('glance-install', {
  title: 'Install and configure Glance',
  userStory:
    "As an operator I want glance-api and glance-registry configured with the environment's database, Keystone and file store so that images can be registered and stored on the controller.",
  acceptanceCriteria: [
    'openstack-glance, python-glance and python-glanceclient are installed',
    'glance-api.conf sets verbose, notification_driver = noop, the database connection mysql://glance:<generated>@<controller>/glance, [keystone_authtoken] auth_uri/auth_url/auth_plugin/project_domain_id/user_domain_id/project_name/username/password, flavor = keystone, default_store = file and filesystem_store_datadir = /var/lib/glance/images/',
    'glance-registry.conf sets the same database connection, [keystone_authtoken] block and flavor = keystone',
    'the glance database is populated by `glance-manage db_sync` run as the glance user',
  ],
  steps: [
    installPackages('openstack-glance', 'python-glance', 'python-glanceclient'),
    writeIni('/etc/glance/glance-api.conf', glanceApiConf, { ...GLANCE_CONF, notify: ['openstack-glance-api'] }),
    writeIni('/etc/glance/glance-registry.conf', glanceRegistryConf, { ...GLANCE_CONF, notify: ['openstack-glance-registry'] }),
    dbSync('glance', 'glance-manage db_sync', { database: 'glance' }),
  ],
});

const register = story('glance-register', {
  title: 'Register Glance in the service catalog',
  userStory:
    'As an operator I want a glance service account and the image service with its three endpoints in Keystone so that Nova and users find the image API.',
  acceptanceCriteria: [
    'user glance exists with the generated GLANCE_PASS and has role admin in project service',
    'service glance of type image exists ("OpenStack Image service")',
    'public, internal and admin endpoints http://<controller>:9292 exist in the region',
  ],
  steps: [
    ...registerService({
      name: 'glance',
      type: 'image',
      description: 'OpenStack Image service',
      port: 9292,
      serviceUser: 'glance',
      passwordSecret: 'GLANCE_PASS',
    }),
    verifyTable('verify-image-endpoints', {
      title: 'openstack endpoint list shows the image endpoints',
      run: asAdmin('openstack endpoint list'),
      format: 'table',
      expect: (ctx) =>
        (['public', 'internal', 'admin'] as const).map((iface) =>
          expectRow(
            { 'Service Type': 'image', Interface: iface, URL: `http://${ctx.controller.managementIp}:9292` },
            `image ${iface} endpoint`,
          ),
        ),
    }),
  ],
});

const services = story('glance-services', {
  title: 'Start glance-api and glance-registry',
  userStory: 'As an operator I want both Glance services enabled and running so that the image API answers on 9292.',
  acceptanceCriteria: [
    'openstack-glance-api and openstack-glance-registry are enabled and running',
    'ports 9292 (api) and 9191 (registry) listen',
  ],
  steps: [
    ensureServices('openstack-glance-api', 'openstack-glance-registry'),
    verifyTable('verify-glance-ports', {
      title: 'Glance listens on 9292 and 9191',
      run: 'netstat -lntup',
      format: 'ports',
      expect: [expectRow({ Port: '9292' }, 'glance-api listens on 9292'), expectRow({ Port: '9191' }, 'glance-registry listens on 9191')],
      retry: { attempts: 10, intervalMs: 3000 },
    }),
  ],
});

// The seed appends `export OS_IMAGE_API_VERSION=2` to both openrc files at this point;
// keystone-config.ts writes that line with the files so they have a single owner.
const image = story('glance-cirros', {
  title: 'Upload the cirros image',
  userStory: 'As an operator I want the cirros test image uploaded as a public qcow2 image so that the first instance can boot from it.',
  acceptanceCriteria: [
    'the openrc files export OS_IMAGE_API_VERSION=2',
    "the image from the inventory's imageUrl is downloaded to /server/tools",
    'image cirros (qcow2, bare, public) is listed by `glance image-list` and is active',
  ],
  steps: [
    command('download-cirros', {
      title: 'Download the cirros image',
      run: (ctx) => `mkdir -p ${IMAGE_DIRECTORY} && wget -q -O ${shellQuote(imageFile(ctx))} ${shellQuote(ctx.inventory.network.imageUrl)}`,
      guard: (ctx) => `test -s ${shellQuote(imageFile(ctx))}`,
    }),
    command('create-cirros-image', {
      title: 'glance image-create cirros',
      run: (ctx) =>
        asAdmin(
          `glance image-create --name ${IMAGE_NAME} --file ${shellQuote(imageFile(ctx))} --disk-format qcow2 --container-format bare --visibility public --progress`,
        ),
      guard: asAdmin(`glance image-list | grep -qw ${IMAGE_NAME}`),
    }),
    verifyTable('verify-image-list', {
      title: 'glance image-list shows cirros',
      run: asAdmin('glance image-list'),
      format: 'table',
      expect: [expectRow({ Name: IMAGE_NAME }, 'cirros is listed')],
    }),
    // Image API v2's `glance image-list` has no Status column; the long image list has it.
    verifyTable('verify-image-active', {
      title: 'cirros is active',
      run: asAdmin('openstack image list --long'),
      format: 'table',
      expect: [expectRow({ Name: IMAGE_NAME, Status: 'active' }, 'cirros is active')],
      retry: { attempts: 5, intervalMs: 2000 },
    }),
  ],
});

export const glance = phase('glance', {
  title: 'Glance image service',
  goal: 'Glance serves images on 9292 from the file store, registered in Keystone, with cirros uploaded.',
  dependsOn: ['keystone'],
  on: 'controller',
  stories: [install, register, services, image],
});
