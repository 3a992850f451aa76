/** Median and spread of repeated measurements: one noisy round on a 2-core machine proves nothing. */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), rounds: sorted.length };
}

/** Counters that moved between two snapshots of the fake's stats. */
export function statsDelta(before, after) {
  return Object.fromEntries(Object.keys(after).map((key) => [key, (after[key] ?? 0) - (before[key] ?? 0)]));
}

export const snapshot = (stats) => ({ ...stats });
