import { createHash } from 'node:crypto';

/** What a lab node finds at a URL: the places CentOS 7 and RDO Liberty still live (2026), the ones that are gone, and test mirrors. */

/** The package sets of the lab's catalog; a repository serves one of them. */
export type PackageChannel = 'base' | 'updates' | 'extras' | 'openstack-liberty' | 'epel';

export type Unreachable =
  /** The host name does not resolve (mirrorlist.centos.org since CentOS 7's end of life). */
  | { kind: 'dns'; host: string }
  /** The server answers, the path is gone. */
  | { kind: 'http'; status: 404; url: string };

export type Fetch<T> = { ok: true; value: T } | { ok: false; error: Unreachable };

const hostOf = (url: string) => url.replace(/^[a-z]+:\/\//, '').split('/')[0] ?? url;
const notFound = <T>(url: string): Fetch<T> => ({ ok: false, error: { kind: 'http', status: 404, url } });
const noDns = <T>(url: string): Fetch<T> => ({ ok: false, error: { kind: 'dns', host: hostOf(url) } });
const found = <T>(value: T): Fetch<T> => ({ ok: true, value });

/** Hosts that no longer resolve. */
const DEAD_HOSTS = new Set(['mirrorlist.centos.org']);

/** The vault trees that still exist, by CentOS release, and which of them carry RDO Liberty (the Cloud SIG dropped it after 7.3). */
const VAULT_TREE = /^https?:\/\/vault\.centos\.org\/(7\.\d\.\d{4})\/(.+)$/;
const VAULT_CHANNELS: Record<string, PackageChannel> = {
  'os/x86_64': 'base',
  'updates/x86_64': 'updates',
  'extras/x86_64': 'extras',
  'cloud/x86_64/openstack-liberty': 'openstack-liberty',
};
const LIBERTY_RELEASES = new Set(['7.1.1503', '7.2.1511', '7.3.1611']);
const EPEL_ARCHIVE = /^https?:\/\/archives\.fedoraproject\.org\/pub\/archive\/epel\/7\/x86_64\/?$/;

/** Signing keys the lab can fetch over HTTP(S). */
const GPG_KEYS = new Set([
  'https://www.centos.org/keys/RPM-GPG-KEY-CentOS-SIG-Cloud',
  'https://www.centos.org/keys/RPM-GPG-KEY-CentOS-7',
  'https://vault.centos.org/RPM-GPG-KEY-CentOS-7',
  'https://archives.fedoraproject.org/pub/archive/epel/RPM-GPG-KEY-EPEL-7',
]);

/** Downloadable files: the CirrOS test images. */
const IMAGES = /^https?:\/\/download\.cirros-cloud\.net\/.+\.img$/;

/** A small stand-in for the 13 MB CirrOS image: a QCOW2 magic and the URL, so checksums differ per image. */
export function fakeImage(url: string): Uint8Array {
  const bytes = new Uint8Array(12 * 1024);
  bytes.set([0x51, 0x46, 0x49, 0xfb]);
  bytes.set(new TextEncoder().encode(url), 16);
  return bytes;
}

/** yum's variables as a CentOS 7 x86_64 host expands them. */
export function expandYumVariables(url: string): string {
  return url
    .replace(/\$basearch/g, 'x86_64')
    .replace(/\$releasever/g, '7')
    .replace(/\$infra/g, 'stock')
    .replace(/\$contentdir/g, 'centos');
}

export class LabInternet {
  private readonly mirrors = new Map<string, PackageChannel>();
  private readonly files = new Map<string, Uint8Array>();

  /** A repository mirror (a data centre's) serving `channel` at `baseUrl`. */
  addMirror(baseUrl: string, channel: PackageChannel): void {
    this.mirrors.set(normalise(baseUrl), channel);
  }

  /** A file served at `url` (an image on a local mirror). */
  addFile(url: string, content: Uint8Array): void {
    this.files.set(url, content);
  }

  /** The package set a repository baseurl serves, or why yum cannot read its repodata/repomd.xml. */
  repository(baseUrl: string): Fetch<PackageChannel> {
    const url = normalise(expandYumVariables(baseUrl));
    if (DEAD_HOSTS.has(hostOf(url))) return noDns(url);
    const mirror = this.mirrors.get(url);
    if (mirror) return found(mirror);
    const vault = VAULT_TREE.exec(url);
    const channel = vault ? VAULT_CHANNELS[vault[2]!] : undefined;
    if (vault && channel) {
      if (channel === 'openstack-liberty' && !LIBERTY_RELEASES.has(vault[1]!)) return notFound(url);
      return found(channel);
    }
    if (EPEL_ARCHIVE.test(url)) return found('epel');
    // mirror.centos.org, dl.fedoraproject.org/pub/epel/7, buildlogs…: the hosts answer, CentOS 7 is gone from them.
    return notFound(url);
  }

  /** A mirrorlist URL: every CentOS one is dead. */
  mirrorlist(url: string): Fetch<never> {
    const expanded = expandYumVariables(url);
    return DEAD_HOSTS.has(hostOf(expanded)) ? noDns(expanded) : notFound(expanded);
  }

  gpgKey(url: string): Fetch<true> {
    if (DEAD_HOSTS.has(hostOf(url))) return noDns(url);
    return GPG_KEYS.has(url) ? found(true) : notFound(url);
  }

  /** A file (image, RPM) by URL. */
  download(url: string): Fetch<Uint8Array> {
    if (DEAD_HOSTS.has(hostOf(url))) return noDns(url);
    const file = this.files.get(url);
    if (file) return found(file);
    if (IMAGES.test(url)) return found(fakeImage(url));
    return notFound(url);
  }

  /** `md5:<hex>` of what `url` serves here, for an inventory's imageChecksum. */
  checksumOf(url: string, algorithm: 'md5' | 'sha256' = 'md5'): string {
    const file = this.download(url);
    if (!file.ok) throw new Error(`the lab serves nothing at ${url}`);
    return `${algorithm}:${createHash(algorithm).update(file.value).digest('hex')}`;
  }
}

function normalise(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The internet of lab hosts built without a lab (fixtures): the public one, no mirrors. */
export const PUBLIC_INTERNET = new LabInternet();
