import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import { configPath, forgetStoredLogin, normalizeUrl, readStoredLogin, writeStoredLogin } from '../config.js';
import { CliError, EXIT } from '../exit-codes.js';

/** Reads a line from a terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    let value = '';
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          cleanup();
          process.stderr.write('\n');
          return resolve(value);
        }
        if (char === '\u0003') {
          cleanup();
          process.stderr.write('\n');
          return reject(new CliError('login cancelled', EXIT.usage));
        }
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    const cleanup = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
    };
    input.on('data', onData);
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('check a token against the service and keep it, with the URL, in your config file (mode 600)')
    .option('--token <token>', 'the API token (visible to other users in the process list: prefer the prompt or --token-stdin)')
    .option('--token-stdin', 'read the token from standard input')
    .addHelpText(
      'after',
      `\nThe service URL comes from --url, else OPSPRINT_URL, else the last login.\nConfig file: ${configPath()} (OPSPRINT_CONFIG or XDG_CONFIG_HOME move it).`,
    )
    .action(async (options: { token?: string; tokenStdin?: boolean }, command: Command) => {
      const { url: flagUrl } = command.optsWithGlobals<{ url?: string }>();
      const file = configPath();
      const rawUrl = flagUrl ?? process.env.OPSPRINT_URL ?? (await readStoredLogin(file)).url;
      if (!rawUrl) throw new CliError('login needs the service URL: opsprint login --url http://<host>:3000', EXIT.usage);
      const url = normalizeUrl(rawUrl);
      let token = options.token;
      if (!token && options.tokenStdin) token = await readStdin();
      else if (!token && process.stdin.isTTY) token = await promptHidden(`API token for ${url}: `);
      token = token?.trim();
      if (!token) throw new CliError('no token given: use the prompt, --token-stdin or --token', EXIT.usage);

      // Any viewer route proves the token; nothing is stored unless the service accepts it.
      await new ApiClient({ url, token }).get('/api/v1/runbooks');
      await writeStoredLogin({ url, token }, file);
      process.stdout.write(`Logged in to ${url}; the token is kept in ${file} (readable by you only).\n`);
    });

  program
    .command('logout')
    .description('forget the stored URL and token')
    .action(async () => {
      const file = configPath();
      process.stdout.write((await forgetStoredLogin(file)) ? `Removed ${file}.\n` : `Not logged in (no ${file}).\n`);
    });
}
