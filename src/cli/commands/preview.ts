import type { Command } from 'commander';
import { commaList } from '../../common/command-line.js';
import type { PreviewView } from '../api-types.js';
import { apiFor, printJson } from './context.js';

export function registerPreview(program: Command): void {
  program
    .command('preview')
    .description('what a deployment would run on an environment: commands, files and checks per node, secrets masked')
    .argument('<environment>', 'environment name')
    .option('--runbook <key>', 'runbook key', 'openstack-liberty')
    .option('--phases <keys>', 'only these phases, comma-separated', commaList)
    .option('--json', 'print the API answer as JSON')
    .action(async (environment: string, options: { runbook: string; phases?: string[]; json?: boolean }, command: Command) => {
      const preview = await (await apiFor(command)).get<PreviewView>(`/api/v1/runbooks/${encodeURIComponent(options.runbook)}/preview`, {
        environment,
        phases: options.phases?.join(','),
      });
      if (options.json) return printJson(preview);
      process.stdout.write(preview.text.endsWith('\n') ? preview.text : `${preview.text}\n`);
    });
}
