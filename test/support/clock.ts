/**
 * Runs `action` with this process's clock (Date.now and new Date()) `offset` ms off, as on a
 * machine whose clock is wrong. Everything the process does meanwhile sees that clock.
 */
export async function withClockOff<T>(offset: number, action: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = SkewedDate as DateConstructor;
  try {
    return await action();
  } finally {
    globalThis.Date = RealDate;
  }
}
