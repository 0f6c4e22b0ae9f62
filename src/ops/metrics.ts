// Prometheus text exposition (format 0.0.4) without a dependency: counters, gauges and histograms
// with labels, rendered on demand. Web APIs only (the gateway runs it on workerd too). Label values
// come from a fixed set the caller picks (route patterns, status codes, state names), never from
// raw input, so the number of series stays bounded.
export type Labels = Record<string, string>;

/** Seconds; the gateway's and agent's answers mostly fall between 1 ms and 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelText = (l: Labels) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeValue(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};
const num = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN');

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  lines(): string[];
}

export class Registry {
  private readonly families: Family[] = [];

  counter(name: string, help: string) {
    const series = new Map<string, { labels: Labels; value: number }>();
    this.families.push({
      name,
      help,
      type: 'counter',
      lines: () => [...series.values()].map((s) => `${name}${labelText(s.labels)} ${num(s.value)}`),
    });
    return {
      inc(labels: Labels = {}, by = 1) {
        const k = labelText(labels);
        const s = series.get(k) ?? { labels, value: 0 };
        s.value += by;
        series.set(k, s);
      },
    };
  }

  /** A gauge read when scraped: `read` answers its series. */
  gauge(name: string, help: string, read: () => { labels?: Labels; value: number }[]) {
    this.families.push({
      name,
      help,
      type: 'gauge',
      lines: () => read().map((s) => `${name}${labelText(s.labels ?? {})} ${num(s.value)}`),
    });
  }

  histogram(name: string, help: string, buckets = LATENCY_BUCKETS) {
    const series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
    this.families.push({
      name,
      help,
      type: 'histogram',
      lines: () =>
        [...series.values()].flatMap((s) => [
          ...buckets.map((b, i) => `${name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i]}`),
          `${name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`,
          `${name}_sum${labelText(s.labels)} ${num(s.sum)}`,
          `${name}_count${labelText(s.labels)} ${s.count}`,
        ]),
    });
    return {
      observe(labels: Labels, value: number) {
        const k = labelText(labels);
        let s = series.get(k);
        if (!s) {
          s = { labels, counts: buckets.map(() => 0), sum: 0, count: 0 };
          series.set(k, s);
        }
        for (let i = 0; i < buckets.length; i++) if (value <= buckets[i]!) s.counts[i]!++;
        s.sum += value;
        s.count++;
      },
    };
  }

  /** The exposition text: `# HELP`, `# TYPE`, then one line per series. */
  render(): string {
    const text = this.families
      .map((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.lines()].join('\n'))
      .join('\n');
    return `${text}\n`;
  }
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
