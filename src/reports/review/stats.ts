/** Median of the values (the mean of the two middle ones for an even count); null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Rounds for presentation; reports keep at most `digits` decimals so the page, the API and Confluence agree. */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export const roundMs = (value: number | null): number | null => (value === null ? null : Math.round(value));

export const elapsedMs = (from: Date | null, to: Date | null): number | null =>
  from !== null && to !== null ? to.getTime() - from.getTime() : null;

/** A sorted copy, by the first key, then the next ones on ties; each key is computed once per item. */
export function sortBy<T>(items: readonly T[], ...keys: Array<(item: T) => number | string>): T[] {
  return items
    .map((item) => ({ item, values: keys.map((key) => key(item)) }))
    .sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        if (a.values[i] !== b.values[i]) return a.values[i] < b.values[i] ? -1 : 1;
      }
      return 0;
    })
    .map((entry) => entry.item);
}

/** Locale-independent string order, so a report reads the same on every machine. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Appends to the list under `key`, creating it on first use. */
export function addTo<K, V>(map: Map<K, V[]>, key: K, ...values: V[]): void {
  const list = map.get(key);
  if (list) list.push(...values);
  else map.set(key, [...values]);
}
