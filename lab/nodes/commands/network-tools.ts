import { randomBytes } from 'node:crypto';
import { fail, ok, type LabCommandHandler } from '../lab-host.js';

/** URLs the lab can "download" (there is no network); the content is a stand-in QCOW2 header plus padding. */
const KNOWN_DOWNLOADS = /^https?:\/\/download\.cirros-cloud\.net\/.+\.img$/;

/** A small stand-in for the 13 MB CirrOS image: a QCOW2 magic and the URL, so checksums differ per image. */
function fakeImage(url: string): Uint8Array {
  const bytes = new Uint8Array(12 * 1024);
  bytes.set([0x51, 0x46, 0x49, 0xfb]);
  bytes.set(new TextEncoder().encode(url), 16);
  return bytes;
}

const hostOf = (url: string) => url.replace(/^[a-z]+:\/\//, '').split('/')[0] ?? url;

export const wget: LabCommandHandler = async (args, { fs, cwd }) => {
  let output: string | undefined;
  const quiet = args.includes('-q') || args.includes('--quiet');
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-O') output = args[++i];
    else if (args[i]!.startsWith('-')) continue;
    else urls.push(args[i]!);
  }
  const url = urls[0];
  if (!url) return fail('wget: missing URL');
  if (!KNOWN_DOWNLOADS.test(url))
    return fail(
      `--  ${url}\nResolving ${hostOf(url)}... failed: Name or service not known.\nwget: unable to resolve host address '${hostOf(url)}'`,
      4,
    );
  const name = output ?? url.slice(url.lastIndexOf('/') + 1);
  const image = fakeImage(url);
  await fs.writeFile(fs.resolvePath(cwd, name), image);
  if (quiet) return ok();
  return {
    stdout: '',
    stderr: `--  ${url}\nHTTP request sent, awaiting response... 200 OK\nLength: ${image.length} [application/octet-stream]\nSaving to: '${name}'\n\n'${name}' saved [${image.length}/${image.length}]\n`,
    exitCode: 0,
  };
};

export const curl: LabCommandHandler = async (args, { fs, cwd }) => {
  let output: string | undefined;
  let remoteName = false;
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-o') output = args[++i];
    else if (args[i] === '-O' || args[i] === '--remote-name') remoteName = true;
    else if (args[i]!.startsWith('-')) continue;
    else urls.push(args[i]!);
  }
  const url = urls[0];
  if (!url) return fail('curl: no URL specified!', 2);
  if (!KNOWN_DOWNLOADS.test(url)) return fail(`curl: (6) Could not resolve host: ${hostOf(url)}`, 6);
  const image = fakeImage(url);
  const name = output ?? (remoteName ? url.slice(url.lastIndexOf('/') + 1) : undefined);
  if (!name) return { stdout: Buffer.from(image).toString('latin1'), stderr: '', exitCode: 0 };
  await fs.writeFile(fs.resolvePath(cwd, name), image);
  return ok();
};

export const openssl: LabCommandHandler = async (args) => {
  if (args[0] !== 'rand') return fail(`openssl:Error: '${args[0] ?? ''}' is an invalid command.`);
  const count = Number(args[args.length - 1]);
  if (!Number.isInteger(count) || count < 0) return fail('openssl rand: invalid byte count');
  if (args.includes('-hex')) return ok(`${randomBytes(count).toString('hex')}\n`);
  if (args.includes('-base64')) return ok(`${randomBytes(count).toString('base64')}\n`);
  return { stdout: randomBytes(count).toString('latin1'), stderr: '', exitCode: 0 };
};
