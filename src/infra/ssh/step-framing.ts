/**
 * The line protocol of a long-lived `bash -s` session: each step is one stdin line that runs the
 * script in its own `bash -c` with no stdin, then prints an end marker on stdout (carrying the exit
 * code) and one on stderr. The lab nodes implement the same protocol, so the format is fixed.
 */
import { randomBytes } from 'node:crypto';

const MARKER_PREFIX = '\n__OPSPRINT_END_';
/** A single exec argument is capped at 128 KiB on Linux (MAX_ARG_STRLEN); `bash -c` takes the script as one. */
export const MAX_SCRIPT_BYTES = 120 * 1024;

export interface FramedStep {
  id: string;
  line: string;
}

export function frameStep(script: string, id: string = randomBytes(9).toString('hex')): FramedStep {
  const encoded = Buffer.from(script, 'utf8');
  if (encoded.length > MAX_SCRIPT_BYTES) {
    throw new RangeError(`script is ${encoded.length} bytes; the limit is ${MAX_SCRIPT_BYTES} (upload it as a file instead)`);
  }
  // base64 is [A-Za-z0-9+/=]: safe unquoted, and the script never meets the outer shell's parser.
  const line =
    `bash -c "$(printf %s ${encoded.toString('base64')} | base64 -d)" </dev/null; ` +
    `printf '\\n__OPSPRINT_END_${id}_%d__\\n' $?; ` +
    `printf '\\n__OPSPRINT_END_${id}__\\n' >&2\n`;
  return { id, line };
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
