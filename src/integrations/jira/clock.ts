/** Injection token of a clock: tests pin "now" (sprint names and dates). */
export const CLOCK = Symbol('CLOCK');

export type Clock = () => Date;
