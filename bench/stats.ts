// Small statistics for the benchmark figures.

export function sorted(xs: number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** Nearest-rank quantile, q in [0, 1]. NaN for an empty list. */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = sorted(xs);
  const rank = Math.min(s.length, Math.max(1, Math.ceil(q * s.length)));
  return s[rank - 1];
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function summary(xs: number[]): { n: number; min: number; median: number; p99: number; max: number } {
  return {
    n: xs.length,
    min: xs.length ? Math.min(...xs) : NaN,
    median: median(xs),
    p99: quantile(xs, 0.99),
    max: xs.length ? Math.max(...xs) : NaN,
  };
}

/** CPU time of this process since `from`, milliseconds (user + system, all threads). */
export function cpuMsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}
