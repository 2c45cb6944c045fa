/** python-glanceclient 1.x (Liberty), image API v2: image-create, image-list, image-show. */
import { ApiError } from './api-errors.js';
import { type ParsedArgs, parseArgs, requirePositionals, UsageError } from './cli-args.js';
import { authenticate, settings, splitGlobals } from './client-auth.js';
import { argparseFailure, plainFailure, unknownSubcommand } from './client-errors.js';
import type { Cloud } from './cloud.js';
import { findImage, visibleImages } from './compute-api.js';
import type { Image } from './glance-state.js';
import { type CliContext, type CliResult, ok, resolvePath } from './host-port.js';
import { apiTimestamp, md5Hex } from './ids.js';
import { callCatalogService, type Session } from './service-access.js';
import { formatRecord, formatTable } from './table-format.js';

const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso'];
const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker'];

function imageRecord(image: Image): Record<string, string | number> {
  const stamp = apiTimestamp(image.createdAt);
  return {
    checksum: image.checksum,
    container_format: image.containerFormat,
    created_at: stamp,
    disk_format: image.diskFormat,
    id: image.id,
    min_disk: 0,
    min_ram: 0,
    name: image.name,
    owner: image.ownerProjectId ?? '',
    protected: 'False',
    size: image.size,
    status: image.status,
    tags: '[]',
    updated_at: stamp,
    virtual_size: 'None',
    visibility: image.visibility,
  };
}

function choice(parsed: ParsedArgs, option: string, choices: string[]): string | undefined {
  const value = parsed.values.get(option);
  if (value !== undefined && !choices.includes(value)) {
    throw new UsageError(`argument ${option}: invalid choice: '${value}' (choose from ${choices.map((c) => `'${c}'`).join(', ')})`);
  }
  return value;
}

async function imageCreate(cloud: Cloud, session: Session, ctx: CliContext, args: string[]): Promise<CliResult> {
  const parsed = parseArgs(args, {
    options: {
      '--name': 'value',
      '--file': 'value',
      '--disk-format': 'value',
      '--container-format': 'value',
      '--visibility': 'value',
      '--progress': 'flag',
      '--id': 'value',
      '--min-disk': 'value',
      '--min-ram': 'value',
      '--protected': 'value',
      '--property': 'multi',
    },
  });
  const diskFormat = choice(parsed, '--disk-format', DISK_FORMATS);
  const containerFormat = choice(parsed, '--container-format', CONTAINER_FORMATS);
  const visibility = parsed.values.get('--visibility') ?? 'private';
  if (visibility !== 'public' && visibility !== 'private')
    throw new UsageError(`argument --visibility: invalid choice: '${visibility}' (choose from 'public', 'private')`);
  const file = parsed.values.get('--file');
  let data: Uint8Array = new Uint8Array();
  if (file) {
    const path = resolvePath(ctx.cwd, file);
    try {
      data = await ctx.fs.readFileBuffer(path);
    } catch {
      return plainFailure(new Error(`[Errno 2] No such file or directory: '${file}'`));
    }
  }
  await callCatalogService(cloud, 'image', '/v2/images');
  if (file && (!diskFormat || !containerFormat)) {
    throw new ApiError(400, '400 Bad Request: Properties disk_format, container_format must be set prior to saving data.');
  }
  if (visibility === 'public' && !session.isAdmin) {
    throw new ApiError(403, '403 Forbidden: You are not authorized to complete this action.');
  }
  const image = cloud.glance.addImage({
    name: parsed.values.get('--name') ?? '',
    diskFormat: diskFormat ?? '',
    containerFormat: containerFormat ?? '',
    size: data.length,
    checksum: md5Hex(data),
    visibility,
    ownerProjectId: session.projectId,
    createdAt: cloud.now(),
  });
  if (!file) image.status = 'queued';
  const progress = parsed.flags.has('--progress') && file ? `[${'='.repeat(29)}>] 100%\n` : '';
  return ok(progress + formatRecord(imageRecord(image), ['Property', 'Value']));
}

const SUBCOMMANDS: Record<string, (cloud: Cloud, session: Session, ctx: CliContext, args: string[]) => Promise<CliResult>> = {
  'image-create': imageCreate,
  async 'image-list'(cloud, session, _ctx, args) {
    parseArgs(args, { options: { '--visibility': 'value', '--owner': 'value', '--limit': 'value', '--page-size': 'value' } });
    await callCatalogService(cloud, 'image', '/v2/images');
    return ok(
      formatTable(
        ['ID', 'Name'],
        visibleImages(cloud, session).map((i) => [i.id, i.name]),
      ),
    );
  },
  async 'image-delete'(cloud, session, _ctx, args) {
    const ids = parseArgs(args, { options: {} }).positionals;
    if (ids.length === 0) throw new UsageError('too few arguments');
    await callCatalogService(cloud, 'image', '/v2/images');
    for (const id of ids) {
      const image = visibleImages(cloud, session).find((i) => i.id === id);
      if (!image) throw new ApiError(404, `No image with an ID of '${id}' exists.`);
      if (!session.isAdmin && image.ownerProjectId !== session.projectId)
        throw new ApiError(403, '403 Forbidden: You are not authorized to complete this action.');
      cloud.glance.images.delete(id);
    }
    return ok();
  },
  async 'image-show'(cloud, session, _ctx, args) {
    const [id] = requirePositionals(parseArgs(args, { options: {} }), ['IMAGE_ID']);
    await callCatalogService(cloud, 'image', `/v2/images/${id}`);
    const image = visibleImages(cloud, session).find((i) => i.id === id) ?? findImage(cloud, session, id);
    return ok(formatRecord(imageRecord(image), ['Property', 'Value']));
  },
};

export function glanceCommand(cloud: Cloud) {
  return async (argv: string[], ctx: CliContext): Promise<CliResult> => {
    let split;
    try {
      split = splitGlobals(argv);
    } catch (error) {
      return argparseFailure('glance', '', (error as Error).message);
    }
    const [subcommand, ...args] = split.rest;
    const handler = subcommand ? SUBCOMMANDS[subcommand] : undefined;
    if (!handler) return unknownSubcommand('glance', subcommand ?? '', Object.keys(SUBCOMMANDS));
    try {
      const session = await authenticate(cloud, ctx, settings(split.globals, ctx.env), { identity: false });
      return await handler(cloud, session, ctx, args);
    } catch (error) {
      if (error instanceof UsageError) return argparseFailure('glance', subcommand, error.message);
      return plainFailure(error);
    }
  };
}
