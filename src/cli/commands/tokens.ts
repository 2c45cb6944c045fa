import { type Command, Option } from 'commander';
import type { TokenView } from '../api-types.js';
import { formatTable, formatTimestamp } from '../format.js';
import { apiFor, printJson } from './context.js';

export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').description('API tokens (admin role)');

  tokens
    .command('list')
    .description('every token: name, role, last use (never the value)')
    .option('--json', 'print the API answer as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const list = await (await apiFor(command)).get<TokenView[]>('/api/v1/tokens');
      if (options.json) return printJson(list);
      const rows = list.map((t) => [
        t.id,
        t.name,
        t.role,
        formatTimestamp(t.createdAt),
        formatTimestamp(t.lastUsedAt),
        t.revokedAt ? 'revoked' : 'active',
      ]);
      process.stdout.write(`${formatTable(['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED', 'STATE'], rows)}\n`);
    });

  tokens
    .command('create')
    .description('create a token; its value is printed once, here')
    .argument('<name>', 'who or what uses it (recorded as the requester of its deployments)')
    .addOption(
      new Option('--role <role>', 'viewer reads; operator also deploys; admin also manages tokens')
        .choices(['viewer', 'operator', 'admin'])
        .makeOptionMandatory(),
    )
    .action(async (name: string, options: { role: string }, command: Command) => {
      const created = await (await apiFor(command)).post<TokenView>('/api/v1/tokens', { name, role: options.role });
      process.stdout.write(`Token ${created.id} (${created.name}, ${created.role}). Its value, shown only now:\n${created.token}\n`);
    });

  tokens
    .command('revoke')
    .description('refuse a token from now on')
    .argument('<id>', 'token id (see `opsprint tokens list`)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const revoked = await (await apiFor(command)).delete<TokenView>(`/api/v1/tokens/${encodeURIComponent(id)}`);
      process.stdout.write(`Token ${revoked.id} (${revoked.name}) revoked at ${formatTimestamp(revoked.revokedAt)}.\n`);
    });
}
