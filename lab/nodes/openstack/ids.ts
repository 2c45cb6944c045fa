import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Keystone ids are uuid4 hex without dashes. */
export function keystoneId(): string {
  return randomUUID().replace(/-/g, '');
}

/** Glance, Nova and Neutron ids are dashed uuid4. */
export function resourceId(): string {
  return randomUUID();
}

export function requestId(): string {
  return `req-${randomUUID()}`;
}

export function md5Hex(data: Uint8Array | string): string {
  return createHash('md5').update(data).digest('hex');
}

export function randomPassword(length = 12): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

/** ISO-8601 with microseconds and Z, as Keystone prints token expiry. */
export function keystoneTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Nova and Glance print seconds precision: 2016-07-08T08:55:14Z. */
export function apiTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
