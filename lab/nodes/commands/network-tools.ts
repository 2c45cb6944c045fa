import { randomBytes } from 'node:crypto';
import { fail, ok, type LabCommandContext, type LabCommandHandler, type LabCommandResult, type LabHost } from '../lab-host.js';

const hostOf = (url: string) => url.replace(/^[a-z]+:\/\//, '').split(/[/:]/)[0] ?? url;

interface HttpAnswer {
  status: number;
  body: string;
}

interface CloudLookup {
  hostByAddress(address: string): LabHost | undefined;
}

/**
 * HTTP APIs of services running on lab nodes that the runbook asks with curl: RabbitMQ's
 * management API (GET /api/whoami with basic auth). Undefined: nothing listens there.
 */
function serviceAnswer(url: string, credentials: string | undefined, ctx: LabCommandContext): HttpAnswer | undefined {
  const match = /^http:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(url);
  if (!match) return undefined;
  const [, address, port, path = '/'] = match;
  const local = address === '127.0.0.1' || address === 'localhost';
  const server = local ? ctx.host : (ctx.cloud as CloudLookup | undefined)?.hostByAddress?.(address!);
  if (!server || port !== '15672') return undefined;
  if (!server.isActive('rabbitmq-server') || !server.rabbit.runningPlugins.has('rabbitmq_management')) return undefined;
  if (path !== '/api/whoami') return { status: 404, body: '{"error":"Object Not Found","reason":"\\"Not Found\\"\\n"}' };
  const [user = '', password = ''] = (credentials ?? '').split(/:(.*)/s);
  const account = server.rabbit.users.get(user);
  // The management API lets in only users with a tag (management, monitoring, administrator…).
  if (!account || account.password !== password || account.tags.length === 0) {
    return { status: 401, body: '{"error":"not_authorised","reason":"Login failed"}' };
  }
  return { status: 200, body: `{"name":"${user}","tags":"${account.tags.join(',')}"}` };
}

/** curl's `-K file` config: `option = "value"` or `option value` lines, options without their dashes. */
function parseCurlConfig(text: string): { option: string; value: string }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^-{0,2}([A-Za-z0-9-]+)\s*[=: ]?\s*(.*)$/.exec(line);
      return { option: match?.[1] ?? '', value: (match?.[2] ?? '').replace(/^"(.*)"$/, '$1') };
    });
}

export const wget: LabCommandHandler = async (args, { fs, cwd, host }) => {
  let output: string | undefined;
  const quiet = args.includes('-q') || args.includes('--quiet');
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-O') output = args[++i];
    else if (args[i]!.startsWith('-')) continue;
    else urls.push(args[i]!);
  }
  const url = urls[0];
  if (!url) return fail('wget: missing URL');
  const download = host.internet.download(url);
  if (!download.ok) {
    return download.error.kind === 'dns'
      ? fail(
          `--  ${url}\nResolving ${hostOf(url)}... failed: Name or service not known.\nwget: unable to resolve host address '${hostOf(url)}'`,
          4,
        )
      : fail(`--  ${url}\nHTTP request sent, awaiting response... 404 Not Found\nERROR 404: Not Found.`, 8);
  }
  const name = output ?? url.slice(url.lastIndexOf('/') + 1);
  if (name !== '/dev/null') await fs.writeFile(fs.resolvePath(cwd, name), download.value);
  if (quiet) return ok();
  const size = download.value.length;
  return {
    stdout: '',
    stderr: `--  ${url}\nHTTP request sent, awaiting response... 200 OK\nLength: ${size} [application/octet-stream]\nSaving to: '${name}'\n\n'${name}' saved [${size}/${size}]\n`,
    exitCode: 0,
  };
};

export const curl: LabCommandHandler = async (args, ctx) => {
  if (args.includes('--version') || args.includes('-V')) {
    return ok(
      'curl 7.29.0 (x86_64-redhat-linux-gnu) libcurl/7.29.0 NSS/3.53.1 zlib/1.2.7 libidn/1.28 libssh2/1.8.0\nProtocols: dict file ftp ftps gopher http https imap imaps ldap ldaps pop3 pop3s rtsp scp sftp smtp smtps telnet tftp\nFeatures: AsynchDNS GSS-Negotiate IDN IPv6 Largefile NTLM NTLM_WB SSL libz unix-sockets\n',
    );
  }
  let output: string | undefined;
  let remoteName = false;
  let failOnError = false;
  let silent = false;
  let showErrors = false;
  let credentials: string | undefined;
  const urls: string[] = [];
  const flags: string[] = [];
  const apply = (option: string, value: string | undefined): boolean => {
    switch (option) {
      case 'o':
      case 'output':
        output = value;
        return true;
      case 'u':
      case 'user':
        credentials = value;
        return true;
      case 'url':
        if (value) urls.push(value);
        return true;
      default:
        return false;
    }
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-K' || a === '--config') {
      const source = args[++i] ?? '';
      const text = source === '-' ? ctx.stdin : await ctx.fs.readFile(ctx.fs.resolvePath(ctx.cwd, source)).catch(() => undefined);
      if (text === undefined) return fail(`curl: (26) Failed to open/read local data from file/application`, 26);
      for (const { option, value } of parseCurlConfig(text)) if (!apply(option, value)) flags.push(option);
    } else if (a === '-o' || a === '--output' || a === '-u' || a === '--user') apply(a.replace(/^-+/, ''), args[++i]);
    else if (a === '-O' || a === '--remote-name') remoteName = true;
    else if (/^-[a-zA-Z]+$/.test(a)) flags.push(...a.slice(1));
    else if (a.startsWith('--')) flags.push(a.slice(2));
    else urls.push(a);
  }
  failOnError = flags.includes('f') || flags.includes('fail');
  silent = flags.includes('s') || flags.includes('silent');
  showErrors = flags.includes('S') || flags.includes('show-error');
  const say = (code: number, message: string): LabCommandResult => ({
    stdout: '',
    stderr: !silent || showErrors ? `curl: (${code}) ${message}\n` : '',
    exitCode: code,
  });
  const url = urls[0];
  if (!url) return say(2, 'no URL specified!');
  const save = async (content: string | Uint8Array): Promise<LabCommandResult> => {
    const name = output ?? (remoteName ? url.slice(url.lastIndexOf('/') + 1) : undefined);
    if (!name) return { stdout: typeof content === 'string' ? content : Buffer.from(content).toString('latin1'), stderr: '', exitCode: 0 };
    if (name !== '/dev/null') await ctx.fs.writeFile(ctx.fs.resolvePath(ctx.cwd, name), content);
    return ok();
  };
  const service = serviceAnswer(url, credentials, ctx);
  if (service) {
    if (failOnError && service.status >= 400) return say(22, `The requested URL returned error: ${service.status}`);
    return save(service.body);
  }
  if (/^http:\/\/(127\.0\.0\.1|localhost|\d+\.\d+\.\d+\.\d+):\d+/.test(url)) {
    return say(7, `Failed connect to ${hostOf(url)}:${/:(\d+)/.exec(url.slice(7))?.[1]}; Connection refused`);
  }
  const download = ctx.host.internet.download(url);
  if (!download.ok) {
    if (download.error.kind === 'dns') return say(6, `Could not resolve host: ${download.error.host}; Unknown error`);
    if (failOnError) return say(22, 'The requested URL returned error: 404 Not Found');
    return save('<html><body><h1>404 Not Found</h1></body></html>\n');
  }
  return save(download.value);
};

export const openssl: LabCommandHandler = async (args) => {
  if (args[0] !== 'rand') return fail(`openssl:Error: '${args[0] ?? ''}' is an invalid command.`);
  const count = Number(args[args.length - 1]);
  if (!Number.isInteger(count) || count < 0) return fail('openssl rand: invalid byte count');
  if (args.includes('-hex')) return ok(`${randomBytes(count).toString('hex')}\n`);
  if (args.includes('-base64')) return ok(`${randomBytes(count).toString('base64')}\n`);
  return { stdout: randomBytes(count).toString('latin1'), stderr: '', exitCode: 0 };
};
