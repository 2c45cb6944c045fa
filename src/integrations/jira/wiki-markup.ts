/** JIRA wiki markup (REST v2 text fields): escaping so runbook text never turns into markup. */
const SPECIAL = /[\\{}[\]|!*_^+~?]/g;

export function escapeWiki(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(SPECIAL, (c) => `\\${c}`).replace(/^(\s*)([-#]|h[1-6]\.|bq\.)/, '$1\\$2'))
    .join('\n');
}

/** A literal block; only the closing macro itself could escape it. */
export function noformat(text: string): string {
  return `{noformat}\n${text.replace(/\{noformat\}/gi, '{ noformat}')}\n{noformat}`;
}

/**
 * A deployment as a comment names it: a link to its dashboard page when there is an address for it
 * (PUBLIC_URL), else its id as text.
 */
export function deploymentRef(deploymentId: string, url?: string): string {
  return url && /^https?:\/\/[^\s|\]]+$/.test(url) ? `[${escapeWiki(deploymentId)}|${url}]` : escapeWiki(deploymentId);
}

export function bulletList(items: string[]): string {
  return items.map((item) => `* ${escapeWiki(item).replace(/\n/g, ' ')}`).join('\n');
}
