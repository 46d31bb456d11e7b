import { Gauge, Registry } from 'prom-client';

export type Labels = Record<string, string>;

/**
 * A gauge whose value set is recomputed at every scrape by `read`: the series of the last scrape
 * go, so a label that has no value now disappears instead of freezing at its last number.
 */
export function gaugeFrom(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  read: () => Promise<[Labels, number][]>,
): Gauge {
  const gauge: Gauge = new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect: async () => {
      const values = await read();
      gauge.reset();
      for (const [labels, value] of values) gauge.set(labels, value);
    },
  });
  return gauge;
}

export const QUANTILES = [0.5, 0.95, 0.99] as const;

/** `percentile_cont(ARRAY[...])` results as one series per quantile; none when there was no data. */
export function quantileSeries(labels: Labels, values: number[] | null): [Labels, number][] {
  if (!values) return [];
  return QUANTILES.map((q, i) => [{ ...labels, quantile: String(q) }, Number(values[i])]);
}

export const PERCENTILES_SQL = `ARRAY[${QUANTILES.join(', ')}]::float8[]`;

/**
 * One read shared by the gauges of one scrape (prom-client collects them concurrently): calls
 * within `ttlMs` of the first get its promise.
 */
export function sharedRead<T>(read: () => Promise<T>, ttlMs = 1000): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at > ttlMs) {
      const value = read();
      last = { at: now, value };
      value.catch(() => (last = undefined));
    }
    return last.value;
  };
}
