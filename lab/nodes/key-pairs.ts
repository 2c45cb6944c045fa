import ssh2 from 'ssh2';
// ssh2 is CommonJS: Node's ESM loader cannot see `utils` as a named export.
const { utils } = ssh2;

/**
 * An OpenSSH key pair that ssh2 itself can parse back. ssh2 1.17's ed25519 generator sometimes
 * (about 1 in 250) writes a 31-byte public key, which no SSH implementation accepts; such pairs are redrawn.
 */
export function generateKeyPair(type: 'ed25519' | 'rsa', comment?: string): { private: string; public: string } {
  for (;;) {
    const pair =
      type === 'rsa' ? utils.generateKeyPairSync('rsa', { bits: 2048, comment }) : utils.generateKeyPairSync('ed25519', { comment });
    if (!(utils.parseKey(pair.public) instanceof Error) && !(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
}
