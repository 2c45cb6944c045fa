import { generateKeyPairSync } from 'node:crypto';
import { ApiError } from './api-errors.js';
import { md5Hex } from './ids.js';

/** OpenSSH public key line → the MD5 fingerprint Nova stores (aa:bb:…). */
export function publicKeyFingerprint(publicKey: string): string {
  const match = /^(ssh-rsa|ssh-dss|ecdsa-sha2-nistp\d+|ssh-ed25519)\s+([A-Za-z0-9+/=]+)(\s|$)/.exec(publicKey.trim());
  if (!match) throw new ApiError(400, 'Keypair data is invalid: failed to generate fingerprint');
  const blob = Buffer.from(match[2], 'base64');
  return md5Hex(blob).match(/../g)!.join(':');
}

/** What `nova keypair-add NAME` without --pub-key does: a new RSA pair, private half printed once. */
export function generateKeypair(name: string): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const part = (b64url: string) => {
    const bytes = Buffer.from(b64url, 'base64url');
    const padded = bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(padded.length);
    return Buffer.concat([length, padded]);
  };
  const type = Buffer.from('ssh-rsa');
  const typeLength = Buffer.alloc(4);
  typeLength.writeUInt32BE(type.length);
  const blob = Buffer.concat([typeLength, type, part(jwk.e!), part(jwk.n!)]);
  return {
    publicKey: `ssh-rsa ${blob.toString('base64')} Generated-by-Nova ${name}`,
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
  };
}
