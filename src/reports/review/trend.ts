/** How a duration moved across the sprint's runs: the first successful run against the last one. */
export interface Trend {
  firstMs: number;
  lastMs: number;
  /** last − first: negative when it got faster. */
  changeMs: number;
  /** last / first − 1, 4 decimals (−0.25 is 25 % faster); null when the first took 0 ms. */
  changeRatio: number | null;
}

/** Needs at least two durations, in run order. */
export function trendOf(durations: number[]): Trend | null {
  if (durations.length < 2) return null;
  const firstMs = durations[0];
  const lastMs = durations[durations.length - 1];
  return {
    firstMs,
    lastMs,
    changeMs: lastMs - firstMs,
    changeRatio: firstMs === 0 ? null : Math.round((lastMs / firstMs - 1) * 10000) / 10000,
  };
}
