/**
 * Fault injection for the JIRA sandbox: rate limiting, 5xx bursts, slow answers, and a create
 * whose answer is lost after JIRA stored the issue (the case idempotent sync must survive).
 */
export type Fault =
  | { kind: 'rateLimit'; remaining: number; retryAfterSeconds: number }
  | { kind: 'serverError'; remaining: number; status: number }
  | { kind: 'slow'; remaining: number; delayMs: number }
  | { kind: 'dropCreateAnswer'; createsBefore: number };

export interface FaultOptions {
  rateLimit?: { count: number; retryAfterSeconds?: number };
  serverErrors?: { count: number; status?: number };
  slow?: { count: number; delayMs: number };
}

export class JiraFaults {
  private faults: Fault[] = [];
  /** Requests answered with an injected fault, for tests to assert on. */
  injected = 0;

  constructor(options: FaultOptions = {}) {
    if (options.rateLimit) this.rateLimit(options.rateLimit.count, options.rateLimit.retryAfterSeconds);
    if (options.serverErrors) this.serverErrors(options.serverErrors.count, options.serverErrors.status);
    if (options.slow) this.slow(options.slow.count, options.slow.delayMs);
  }

  /** The next `count` requests answer 429 with Retry-After (seconds; 0 is valid). */
  rateLimit(count: number, retryAfterSeconds = 1): void {
    this.faults.push({ kind: 'rateLimit', remaining: count, retryAfterSeconds });
  }

  /** The next `count` requests answer `status` (default 503) without being processed. */
  serverErrors(count: number, status = 503): void {
    this.faults.push({ kind: 'serverError', remaining: count, status });
  }

  slow(count: number, delayMs: number): void {
    this.faults.push({ kind: 'slow', remaining: count, delayMs });
  }

  /** After `createsBefore` more issue creates, the next create is stored but its connection is cut. */
  dropCreateAnswerAfter(createsBefore: number): void {
    this.faults.push({ kind: 'dropCreateAnswer', createsBefore });
  }

  clear(): void {
    this.faults = [];
  }

  /** Called once per request before routing; answers what the request should suffer. */
  take(): { status: number; headers: Record<string, string> } | { delayMs: number } | null {
    const fault = this.faults.find((f) => f.kind !== 'dropCreateAnswer');
    if (!fault) return null;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    this.injected++;
    if (fault.kind === 'slow') return { delayMs: fault.delayMs };
    if (fault.kind === 'rateLimit') {
      return {
        status: 429,
        headers: { 'Retry-After': String(fault.retryAfterSeconds), 'X-RateLimit-Remaining': '0', 'X-RateLimit-NearLimit': 'true' },
      };
    }
    return { status: fault.status, headers: {} };
  }

  /** Called after a create was stored; true = cut the connection instead of answering. */
  dropAfterCreate(): boolean {
    const fault = this.faults.find((f) => f.kind === 'dropCreateAnswer');
    if (fault?.kind !== 'dropCreateAnswer') return false;
    if (fault.createsBefore > 0) {
      fault.createsBefore--;
      return false;
    }
    this.faults = this.faults.filter((f) => f !== fault);
    this.injected++;
    return true;
  }
}
