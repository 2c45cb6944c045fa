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
  schemaVersionAtLeast,
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

const DIGESTS = { md5: { tool: 'md5sum', length: 32 }, sha256: { tool: 'sha256sum', length: 64 } } as const;

/** The digest of `path` as the inventory's imageChecksum spells it (`md5:<hex>`), computed on the node. */
function digestOf(algorithm: keyof typeof DIGESTS, path: string): string {
  const { tool, length } = DIGESTS[algorithm];
  return `"${algorithm}:$(${tool} ${shellQuote(path)} | cut -c1-${length})"`;
}

function expectedChecksum(ctx: RenderContext): { algorithm: keyof typeof DIGESTS; value: string } | undefined {
  const checksum = ctx.inventory.network.imageChecksum;
  if (!checksum) return undefined;
  const [algorithm] = checksum.split(':') as [keyof typeof DIGESTS];
  return { algorithm, value: checksum };
}

/**
 * Download to a partial file and keep it only when complete (curl -f fails on HTTP errors) and,
 * when the inventory gives the image's checksum, only when it matches: an interrupted or corrupt
 * download never sits where the next run would take it for done.
 */
function downloadImage(ctx: RenderContext): string {
  const file = shellQuote(imageFile(ctx));
  const part = shellQuote(`${imageFile(ctx)}.part`);
  const fetch = `mkdir -p ${IMAGE_DIRECTORY} && curl -fsSL -o ${part} ${shellQuote(ctx.inventory.network.imageUrl)}`;
  const checksum = expectedChecksum(ctx);
  if (!checksum) return `${fetch} && mv -f ${part} ${file}`;
  const got = digestOf(checksum.algorithm, `${imageFile(ctx)}.part`);
  return `${fetch} && got=${got} && if [ "$got" = ${shellQuote(checksum.value)} ]; then mv -f ${part} ${file}; else echo "checksum mismatch: expected ${checksum.value}, got $got" >&2; rm -f ${part}; exit 1; fi`;
}

function imageDownloaded(ctx: RenderContext): string {
  const checksum = expectedChecksum(ctx);
  if (!checksum) return `test -s ${shellQuote(imageFile(ctx))}`;
  return `[ ${digestOf(checksum.algorithm, imageFile(ctx))} = ${shellQuote(checksum.value)} ] 2>/dev/null`;
}

/**
 * One active image named cirros holding exactly the downloaded file: Glance keeps the MD5 of the
 * data it stored, compared with the file's (an upload cut short or an image left in queued or
 * killed state is not done).
 */
function imageUploaded(ctx: RenderContext): string {
  const show = (field: string) => `"$(openstack image show ${IMAGE_NAME} -f value -c ${field} 2>/dev/null)"`;
  return asAdmin(`[ ${show('status')} = active ] && [ ${show('checksum')} = "$(md5sum ${shellQuote(imageFile(ctx))} | cut -c1-32)" ]`);
}

/** Images named cirros that are not right are removed before the upload, so the name stays unique. */
function uploadImage(ctx: RenderContext): string {
  return asAdmin(
    [
      `for id in $(glance image-list | awk -v name=${IMAGE_NAME} '$4 == name {print $2}'); do glance image-delete "$id" || exit 1; done`,
      `glance image-create --name ${IMAGE_NAME} --file ${shellQuote(imageFile(ctx))} --disk-format qcow2 --container-format bare --visibility public --progress`,
    ].join('; '),
  );
}

function asAdmin(line: string): string {
  return `source ${ADMIN_OPENRC_PATH} && ${line.includes(';') ? `{ ${line}; }` : line}`;
}
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
    // 42 is Liberty's last glance migration (042_add_changes_to_reinstall_unique_metadef_constraints).
    dbSync('glance', 'glance-manage db_sync', schemaVersionAtLeast('glance', 'glance-manage db_version', 42)),
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
    'ports 9292 (api) and 9191 (registry) listen (`ss -lntup`)',
  ],
  steps: [
    ensureServices('openstack-glance-api', 'openstack-glance-registry'),
    verifyTable('verify-glance-ports', {
      title: 'Glance listens on 9292 and 9191',
      run: 'ss -lntup',
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
    "the image from the inventory's imageUrl is downloaded to /server/tools and matches the inventory's imageChecksum",
    'image cirros (qcow2, bare, public) is listed by `glance image-list`, is active and holds the downloaded file (same MD5)',
  ],
  steps: [
    command('download-cirros', {
      title: 'Download the cirros image and check its checksum',
      run: downloadImage,
      guard: imageDownloaded,
    }),
    command('create-cirros-image', {
      title: 'glance image-create cirros',
      run: uploadImage,
      guard: imageUploaded,
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
