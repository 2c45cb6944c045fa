import { escapeXml } from '../storage/index.js';

export type SecretValues = string[] | Record<string, string>;

export class SecretLeakError extends Error {
  constructor(
    readonly pageTitle: string,
    readonly secretNames: string[],
  ) {
    super(`Refusing to publish "${pageTitle}": it contains the value of ${secretNames.join(', ')} (values are not shown)`);
    this.name = 'SecretLeakError';
  }
}

/** Last line of defence: the artifacts should already be masked; if one is not, nothing is published. */
export function assertNoSecrets(pageTitle: string, body: string, secrets: SecretValues | undefined): void {
  if (!secrets) return;
  const named = Array.isArray(secrets) ? secrets.map((value, index) => [`secret #${index + 1}`, value] as const) : Object.entries(secrets);
  const leaked = named
    .filter(([, value]) => value.length > 0)
    .filter(([, value]) => body.includes(value) || body.includes(escapeXml(value)))
    .map(([name]) => name);
  if (leaked.length > 0) throw new SecretLeakError(pageTitle, leaked);
}
