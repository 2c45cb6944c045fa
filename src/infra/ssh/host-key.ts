import { createHash } from 'node:crypto';

/** OpenSSH's fingerprint of a raw public-key blob: "SHA256:" + unpadded base64 of its SHA-256. */
export function openSshFingerprint(rawKey: Buffer): string {
  return `SHA256:${createHash('sha256').update(rawKey).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyDecision = { accept: true; learned?: string } | { accept: false; reason: string };

/** Pinned key must match; no pin means refuse unless trust-on-first-use was explicitly enabled. */
export function decideHostKey(presented: string, pinned: string | undefined, trustOnFirstUse: boolean | undefined): HostKeyDecision {
  if (pinned) {
    // Tolerate the padding some tools print; OpenSSH itself never pads.
    const expected = pinned.trim().replace(/=+$/, '');
    if (expected === presented) return { accept: true };
    return {
      accept: false,
      reason: `host key mismatch: expected ${expected}, presented ${presented} (possible man-in-the-middle, or the host was reinstalled)`,
    };
  }
  if (trustOnFirstUse) return { accept: true, learned: presented };
  return {
    accept: false,
    reason: `no host key fingerprint pinned (presented ${presented}); pin it in the inventory or enable trustOnFirstUse`,
  };
}
