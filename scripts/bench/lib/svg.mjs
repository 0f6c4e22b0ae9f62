// docs/bench.svg: one horizontal bar per row with a ratio (vdisk / qemu-img, log scale, 1× marked),
// green where the row's goal is met, red where missed, grey without a goal; the machine on top, and
// beside each bar the date and load average of the run that measured it (rows come from
// docs/bench-rows.json, so benches measured on different days share one picture).
import { cpus, hostname } from 'node:os';

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

const day = (iso) =>
  String(iso ?? '')
    .slice(0, 16)
    .replace('T', ' ');

export function benchSvg(rows, { qemu = '' } = {}) {
  const bars = rows.filter((r) => r.ratio !== undefined && Number.isFinite(r.ratio) && r.ratio > 0);
  const W = 1180,
    left = 470,
    right = 260,
    top = 56,
    h = 18,
    gap = 6;
  const H = top + bars.length * (h + gap) + 30;
  const lo = Math.log10(0.01),
    hi = Math.log10(Math.max(10, ...bars.map((b) => b.ratio)));
  const x = (v) => left + ((Math.log10(Math.max(v, 0.01)) - lo) / (hi - lo)) * (W - left - right);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (${hostname()})`;
  const dates = bars
    .map((b) => day(b.date))
    .filter(Boolean)
    .sort();
  const span = dates.length ? `${dates[0]} – ${dates[dates.length - 1]} UTC` : '';
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12" role="img">`,
    '<title>vdisk / qemu-img time ratio per bench case</title>',
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">vdisk / qemu-img time ratio (log scale; left of 1× is faster)</text>`,
    `<text x="10" y="40" fill="#444">${esc(span)} — ${esc(machine)} — ${esc(qemu)}; beside each bar: when, and the load average then</text>`,
  ];
  for (const t of [0.01, 0.1, 1, 10].filter((t) => Math.log10(t) <= hi)) {
    out.push(
      `<line x1="${x(t)}" y1="${top - 6}" x2="${x(t)}" y2="${H - 24}" stroke="${t === 1 ? '#000' : '#ccc'}"/>`,
      `<text x="${x(t)}" y="${H - 10}" text-anchor="middle">${t}×</text>`,
    );
  }
  bars.forEach((b, i) => {
    const y = top + i * (h + gap);
    const fill = b.met === true ? '#2a9d4b' : b.met === false ? '#d1495b' : '#999';
    out.push(
      `<text x="${left - 6}" y="${y + 13}" text-anchor="end">${esc(b.name)}</text>`,
      `<rect x="${x(0.01)}" y="${y}" width="${Math.max(1, x(b.ratio) - x(0.01))}" height="${h}" fill="${fill}"/>`,
      `<text x="${x(b.ratio) + 4}" y="${y + 13}">${b.ratio.toFixed(2)}×${b.goal ? ` (goal ${esc(b.goal)})` : ''}${b.date ? ` — ${esc(day(b.date).slice(5))}, load ${esc(String(b.load ?? '?').split(' ')[0])}` : ''}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
