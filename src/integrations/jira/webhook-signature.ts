import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks `X-Hub-Signature: sha256=<hex>` = HMAC-SHA256(secret, raw body) as JIRA sends it for
 * webhooks registered with a secret. Over the raw bytes (a re-serialised body would differ),
 * compared in constant time.
 */
export function verifyJiraSignature(rawBody: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (!secret) return false;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(value?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function signJiraPayload(rawBody: Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
