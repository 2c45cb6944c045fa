import { StringDecoder } from 'node:string_decoder';
import type { ServerChannel } from 'ssh2';
import { ansiCUnquote } from '../../src/infra/ssh/step-framing.js';
import type { ChannelContext, NodeShell } from './node-shell.js';

/** `bash -s`, `bash --noprofile --norc -s`, `sh -s`: a shell reading its script from stdin. */
export function isStdinShell(command: string): boolean {
  // The executor prefixes `sudo -n` when it does not log in as root.
  const words = command
    .trim()
    .replace(/^sudo(\s+-[nEH]+)*\s+/, '')
    .split(/\s+/);
  const shell = words[0]?.replace(/^.*\//, '');
  return (shell === 'bash' || shell === 'sh') && words.includes('-s') && !words.includes('-c');
}

/** The executor's step line: the script, `$'…'`-quoted, is eval'd in a subshell without stdin; markers follow. */
const FRAMED_STEP = /^\( eval \$'((?:[^'\\]|\\.)*)' \) <\/dev\/null; (.+)$/;

/** The usual end markers, printed without a shell: `printf '\n<marker>_%d__\n' $?; printf '\n<marker>__\n' >&2`. */
const MARKERS = /^printf '((?:\\n|[A-Za-z0-9_])*%d(?:\\n|[A-Za-z0-9_])*)' \$\?; printf '((?:\\n|[A-Za-z0-9_])*)' >&2$/;

/**
 * Run one line of a live session. A framed step line takes a shortcut with the same result:
 * the unquoted script runs as the subshell would (no stdin, variables not kept), then the usual
 * markers are printed directly, or any other rest of the line runs with `$?` set to the script's
 * exit code. That cuts the CPU of a step to about that of its script.
 */
async function runLine(shell: NodeShell, line: string, context: ChannelContext, env: Record<string, string>) {
  const framed = FRAMED_STEP.exec(line);
  if (!framed) return [await shell.run(line, context, { env })];
  const step = await shell.run(ansiCUnquote(framed[1]!), context, { env });
  const markers = MARKERS.exec(framed[2]!);
  if (markers) {
    const text = (format: string) => format.replace(/\\n/g, '\n');
    return [
      { ...step, env },
      { stdout: text(markers[1]!).replace('%d', String(step.exitCode)), stderr: text(markers[2]!), exitCode: 0, env },
    ];
  }
  const tail = await shell.run(`(exit ${step.exitCode}); ${framed[2]}`, context, { env, faultFree: true });
  return [{ ...step, env }, tail];
}

/**
 * A long-lived shell on a channel: each complete line of stdin runs through the node's bash, in order,
 * its output written to the channel's stdout/stderr; EOF ends the shell with the last line's exit code.
 * Variables and the working directory carry over from line to line as in a real `bash -s`.
 */
export function runLiveSession(
  channel: ServerChannel,
  shell: NodeShell,
  context: ChannelContext,
  sessionEnv: Record<string, string>,
): void {
  const decoder = new StringDecoder('utf8');
  const lines: string[] = [];
  let pending = '';
  let eof = false;
  let running = false;
  let closed = false;
  let lastExit = 0;
  let env: Record<string, string> = { ...sessionEnv };
  void context.closed.then(() => (closed = true));

  const finish = (code: number) => {
    if (closed) return;
    closed = true;
    channel.exit(code);
    channel.end();
  };

  const pump = async () => {
    if (running) return;
    running = true;
    try {
      while (lines.length > 0 && !closed) {
        const line = lines.shift()!;
        const exit = line.trim().match(/^exit(?:\s+(\d+))?\s*;?$/);
        if (exit) return finish(exit[1] === undefined ? lastExit : Number(exit[1]) & 255);
        if (!line.trim()) continue;
        const results = await runLine(shell, line, context, env);
        if (closed) return;
        for (const result of results) {
          env = result.env;
          lastExit = result.exitCode;
          if (result.stdout) channel.write(result.stdout);
          if (result.stderr) channel.stderr.write(result.stderr);
        }
      }
      if (eof && lines.length === 0) finish(lastExit);
    } finally {
      running = false;
    }
  };

  channel.on('data', (chunk: Buffer) => {
    pending += decoder.write(chunk);
    const parts = pending.split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
    void pump();
  });
  channel.on('end', () => {
    eof = true;
    pending += decoder.end();
    if (pending) lines.push(pending);
    pending = '';
    void pump();
  });
}
