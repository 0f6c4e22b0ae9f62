// docs/bench-rows.json: the ratio rows behind docs/bench.svg, each tagged with the bench that made it,
// its date and the load average then. A run of some benches (`npm run bench -- inventory`) replaces
// only those benches' rows and keeps the others, so the picture always shows every bench's last run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** The stored rows, or [] when the file is missing or not ours (a broken file is replaced, not fatal). */
export function readRows(file) {
  if (!existsSync(file)) return [];
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(doc?.rows) ? doc.rows.filter((r) => typeof r?.bench === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Stored rows of benches that did not run to the end now (and that this run did not measure again by
 * name: a bench that failed half-way keeps its older rows for what it did not reach), then this run's.
 */
export function mergeRows(stored, fresh, ran) {
  const ranSet = new Set(ran);
  const key = (r) => `${r.bench}\n${r.name}`;
  const again = new Set(fresh.map(key));
  return [...stored.filter((r) => !ranSet.has(r.bench) && !again.has(key(r))), ...fresh];
}

/** Sorted by bench name (stable within a bench), so the order does not depend on run order; 2-space JSON as biome formats it. */
export function writeRows(file, rows) {
  const sorted = [...rows].sort((a, b) => (a.bench < b.bench ? -1 : a.bench > b.bench ? 1 : 0));
  writeFileSync(file, `${JSON.stringify({ rows: sorted }, null, 2)}\n`);
  return sorted;
}
