export interface FaultRule {
  method?: string;
  path?: RegExp;
  status: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** How many matching requests the fault answers before it is used up. */
  times: number;
  /** For a 409 on a page update: someone else saves this body first (a real concurrent edit). */
  foreignEdit?: string;
}

const PAGE_UPDATE = /^\/wiki\/rest\/api\/content\/\d+$/;

/** One-shot faults for tests: each rule answers its next `times` matching requests. */
export class ConfluenceFaults {
  private rules: FaultRule[] = [];

  constructor(initial: FaultRule[] = []) {
    for (const rule of initial) this.add(rule);
  }

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, method: rule.method?.toUpperCase() });
  }

  /** The next page update answers 409, as when another writer saved in between. */
  conflictOnNextUpdate(options: { foreignEdit?: string } = {}): void {
    this.add({ method: 'PUT', path: PAGE_UPDATE, status: 409, times: 1, foreignEdit: options.foreignEdit });
  }

  rateLimit(times: number, retryAfterSeconds = 0, path?: RegExp): void {
    this.add({ status: 429, retryAfter: retryAfterSeconds, times, path });
  }

  serverErrors(times: number, status = 503, path?: RegExp): void {
    this.add({ status, times, path });
  }

  clear(): void {
    this.rules = [];
  }

  pending(): number {
    return this.rules.reduce((sum, rule) => sum + rule.times, 0);
  }

  take(method: string, path: string): FaultRule | undefined {
    const rule = this.rules.find(
      (candidate) => (!candidate.method || candidate.method === method) && (!candidate.path || candidate.path.test(path)),
    );
    if (!rule) return undefined;
    rule.times -= 1;
    if (rule.times <= 0) this.rules = this.rules.filter((candidate) => candidate !== rule);
    return rule;
  }
}
