/**
 * The line protocol of a long-lived `bash -s` session (with job control on, `set -m`): each step is
 * one stdin line that runs the script in a subshell of that shell, `( eval $'…' ) </dev/null`, then
 * prints an end marker on stdout (carrying the exit code) and one on stderr. The subshell is a fork,
 * not a program start: no `bash -c`, no decoder per step. It is still isolated: its own process group
 * (job control), no stdin, variables and `cd` gone with it, its own exit code. The script text is
 * never a program argument, so it does not show in `ps`. The lab nodes implement the same protocol.
 */
import { randomBytes } from 'node:crypto';

const MARKER_PREFIX = '\n__OPSPRINT_END_';
/** One stdin line per step: larger scripts are uploaded as files and run from there. */
export const MAX_SCRIPT_BYTES = 1024 * 1024;

/** Turns the live shell's job control on: written once, before the first step. */
export const SHELL_PRELUDE = 'set -m\n';

export interface FramedStep {
  id: string;
  line: string;
}

export function frameStep(script: string, id: string = randomBytes(9).toString('hex')): FramedStep {
  const size = Buffer.byteLength(script, 'utf8');
  if (size > MAX_SCRIPT_BYTES) {
    throw new RangeError(`script is ${size} bytes; the limit is ${MAX_SCRIPT_BYTES} (upload it as a file instead)`);
  }
  if (script.includes('\0')) throw new RangeError('script contains a NUL byte, which no shell can hold');
  const line =
    `( eval ${ansiCQuote(script)} ) </dev/null; ` +
    `printf '\\n__OPSPRINT_END_${id}_%d__\\n' $?; ` +
    `printf '\\n__OPSPRINT_END_${id}__\\n' >&2\n`;
  return { id, line };
}

/**
 * Bash's `$'…'` quoting with only these escapes: `\\`, `\'`, `\n`, `\r` and `\xHH` for the other control
 * characters. The result holds no newline and no unescaped quote, so the outer shell reads it as one
 * word of one line, and `eval` gets the script byte for byte.
 */
export function ansiCQuote(text: string): string {
  const body = text.replace(/[\\'\x01-\x1f\x7f]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === "'") return "\\'";
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\t';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `$'${body}'`;
}

/** The inverse of ansiCQuote's escapes (for the lab, which reads framed lines without a real bash). */
export function ansiCUnquote(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|[\\'nrt])/g, (_, e: string) => {
    if (e.startsWith('x')) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e;
  });
}

type Stream = 'stdout' | 'stderr';
const FULL_TAIL: Record<Stream, RegExp> = { stdout: /^_(\d+)__\n/, stderr: /^__\n/ };
const PARTIAL_TAIL: Record<Stream, RegExp> = { stdout: /^(?:_\d*|_\d+__?)?$/, stderr: /^_{0,2}$/ };

/**
 * Reads one stream of one step up to its end marker. A line goes to onLine as soon as its newline
 * arrives; only whether that newline belongs to the output or starts the marker may stay open until
 * more text comes (the marker adds exactly one newline, which is not part of the output).
 */
export class FramedStreamReader {
  private readonly head: string;
  private pending = '';
  private scanFrom = 0;
  /** pending's text before its first newline was already handed to onLine. */
  private lineDelivered = false;
  private output = '';
  private finished = false;
  exitCode: number | undefined;

  constructor(
    id: string,
    private readonly stream: Stream,
    private readonly onLine?: (line: string) => void,
  ) {
    this.head = `${MARKER_PREFIX}${id}`;
  }

  get done(): boolean {
    return this.finished;
  }

  get text(): string {
    return this.output;
  }

  /** Feeds decoded text; returns true once the end marker has been read (later text is ignored). */
  push(chunk: string): boolean {
    if (this.finished) return true;
    this.pending += chunk;
    let newline: number;
    while ((newline = this.pending.indexOf('\n', this.scanFrom)) !== -1) {
      const line = this.pending.slice(0, newline);
      if (line !== '' && !this.lineDelivered) this.deliver(line);
      const verdict = this.classify(this.pending.slice(newline));
      if (verdict === 'wait') {
        this.scanFrom = newline;
        return false;
      }
      if (verdict === 'end') {
        this.finished = true;
        this.pending = '';
        return true;
      }
      if (line === '') this.deliver(line);
      this.output += '\n';
      this.pending = this.pending.slice(newline + 1);
      this.scanFrom = 0;
      this.lineDelivered = false;
    }
    this.scanFrom = this.pending.length;
    return false;
  }

  private classify(rest: string): 'end' | 'wait' | 'content' {
    if (rest.length < this.head.length) return this.head.startsWith(rest) ? 'wait' : 'content';
    if (!rest.startsWith(this.head)) return 'content';
    const tail = rest.slice(this.head.length);
    const full = FULL_TAIL[this.stream].exec(tail);
    if (full) {
      if (this.stream === 'stdout') this.exitCode = Number(full[1]);
      return 'end';
    }
    return PARTIAL_TAIL[this.stream].test(tail) ? 'wait' : 'content';
  }

  private deliver(line: string): void {
    this.lineDelivered = true;
    this.output += line;
    this.onLine?.(line);
  }
}
