/**
 * Time budgets: the whole bench must end within 10 minutes on a loaded 2-core machine, so every
 * group gets a share, and every wait inside a group is bounded by what is left of that share. A
 * measurement that cannot fit (or runs out) is reported as "not measured: <why>", never dropped.
 */
export class OutOfBudget extends Error {}

export class Budget {
  private readonly deadline: number;

  constructor(
    readonly label: string,
    readonly ms: number,
  ) {
    this.deadline = Date.now() + ms;
  }

  left(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  /**
   * The time a measurement may take: what is left of the budget. Throws OutOfBudget when less
   * than `needMs` is left (the measurement would not finish; better say so than start it).
   */
  allow(needMs: number, what: string): number {
    const left = this.left();
    if (left < needMs)
      throw new OutOfBudget(
        `${what}: ${(left / 1000).toFixed(0)} s left of ${this.label}'s ${(this.ms / 1000).toFixed(0)} s budget, it needs about ${(needMs / 1000).toFixed(0)} s`,
      );
    return left;
  }

  /** Races a measurement against the rest of the budget; the rejection names what ran out. */
  within<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new OutOfBudget(`${what} was still running when ${this.label}'s ${(this.ms / 1000).toFixed(0)} s budget ran out`)),
        this.left(),
      );
    });
    promise.catch(() => undefined);
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

/** One line of an error for the results table: the message, not the stack. */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 240);
}
