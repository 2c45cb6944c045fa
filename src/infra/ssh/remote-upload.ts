/**
 * Replacing a file on a node: optional backup of the previous version, content staged through SFTP,
 * ownership and mode set on the staged copy, then one rename so readers never see a half-written
 * or wrongly-owned file. A non-root user stages in /tmp and the (sudo) shell installs it.
 *
 * Backups go to a root-only directory outside the configuration tree (a copy beside the file in
 * /etc would be read by anyone the directory lets in, and by services that load every file of a
 * conf.d), the newest BACKUPS_KEPT per file.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { SshError, type CommandResult, type UploadOptions } from './executor.types.js';
import { shellQuote } from '../../runbooks/render/shell.js';

export interface UploadPorts {
  node: string;
  /** Root-only directory the previous versions are kept under (their original path below it). */
  backupRoot?: string;
  /** The login user is root, so SFTP writes land with root's rights. */
  isRoot: boolean;
  run(script: string): Promise<CommandResult>;
  writeFile(remotePath: string, content: Buffer): Promise<void>;
}

const NAME = /^[a-z_][a-z0-9_.-]*\$?$|^\d+$/i;

/** Created root-only by the first backup; the parent directories as mkdir -p leaves them. */
export const BACKUP_ROOT = '/var/lib/opsprint/backups';
export const BACKUPS_KEPT = 5;

export function validateUpload(path: string, options: UploadOptions): void {
  if (typeof path !== 'string' || !path.startsWith('/') || path.endsWith('/') || path.includes('\0')) {
    throw new TypeError(`upload: path must be an absolute file path, got ${JSON.stringify(path)}`);
  }
  if (!/^[0-7]{3,4}$/.test(options?.mode ?? '')) {
    throw new TypeError(`upload: options.mode must be an octal mode like "0640", got ${JSON.stringify(options?.mode)}`);
  }
  for (const field of ['owner', 'group'] as const) {
    if (!NAME.test(options[field] ?? '')) {
      throw new TypeError(`upload: options.${field} must be a user/group name or id, got ${JSON.stringify(options[field])}`);
    }
  }
}

export async function uploadFile(
  ports: UploadPorts,
  path: string,
  content: string | Buffer,
  options: UploadOptions,
): Promise<{ backupPath?: string }> {
  validateUpload(path, options);
  const dir = posix.dirname(path);
  const suffix = randomBytes(6).toString('hex');
  const tempPath = posix.join(dir, `.${posix.basename(path)}.opsprint-${suffix}.tmp`);
  const stagePath = ports.isRoot ? tempPath : `/tmp/opsprint-upload-${suffix}`;

  const backupRoot = ports.backupRoot ?? BACKUP_ROOT;
  const backupDir = posix.join(backupRoot, dir);
  const backupCandidate = options.backup ? posix.join(backupDir, `${posix.basename(path)}.${compactTimestamp()}.bak`) : undefined;
  const prepared = await mustRun(
    ports,
    `prepare ${path}`,
    [`mkdir -p -- ${shellQuote(dir)}`, backupCandidate ? backupScript(path, backupRoot, backupDir, backupCandidate) : 'true'].join(' && '),
  );
  const backupPath = prepared.stdout === 'backed-up' ? backupCandidate : undefined;

  try {
    await ports.writeFile(stagePath, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'));
  } catch (error) {
    throw new SshError(`upload of ${path} to ${ports.node} failed: ${(error as Error).message}`, 'sftp', ports.node);
  }

  const owner = `${options.owner}:${options.group}`;
  const place = ports.isRoot
    ? `chown -- ${shellQuote(owner)} ${shellQuote(tempPath)} && chmod -- ${shellQuote(options.mode)} ${shellQuote(tempPath)}`
    : `install -o ${shellQuote(options.owner)} -g ${shellQuote(options.group)} -m ${shellQuote(options.mode)} -- ${shellQuote(stagePath)} ${shellQuote(tempPath)}`;
  const cleanup = `rm -f -- ${shellQuote(tempPath)}${ports.isRoot ? '' : ` ${shellQuote(stagePath)}`}`;
  await mustRun(
    ports,
    `install ${path}`,
    `if ${place} && mv -f -- ${shellQuote(tempPath)} ${shellQuote(path)}; then ${cleanup}; else status=$?; ${cleanup}; exit $status; fi`,
  );
  return backupPath ? { backupPath } : {};
}

/** Copy the current file into the root-only backup tree, then drop all but the newest BACKUPS_KEPT copies of it. */
function backupScript(path: string, backupRoot: string, backupDir: string, backup: string): string {
  const copies = `${shellQuote(posix.join(backupDir, posix.basename(path)))}.*.bak`;
  return [
    `if [ -e ${shellQuote(path)} ]; then`,
    `mkdir -p -- ${shellQuote(backupDir)} && chmod 0700 ${shellQuote(backupRoot)}`,
    `&& cp -p -- ${shellQuote(path)} ${shellQuote(backup)}`,
    `&& { printf '%s\\n' ${copies} | sort -r | tail -n +${BACKUPS_KEPT + 1} | while IFS= read -r old; do rm -f -- "$old"; done; }`,
    '&& printf %s backed-up;',
    'fi',
  ].join(' ');
}

async function mustRun(ports: UploadPorts, what: string, script: string): Promise<CommandResult> {
  const result = await ports.run(script);
  if (result.exitCode !== 0) {
    throw new SshError(
      `upload: ${what} on ${ports.node} failed (exit ${result.exitCode}): ${result.stderr.trim().slice(-500)}`,
      'sftp',
      ports.node,
    );
  }
  return result;
}

/** 20261127T033800123Z: sortable, no characters a shell or a filesystem could trip over. */
function compactTimestamp(): string {
  return new Date().toISOString().replace(/[-:.]/g, '');
}
