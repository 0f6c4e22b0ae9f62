// qemu-img info's human-readable layout.
function size(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  const s = u === 0 ? `${v}` : Number.isInteger(v) ? `${v}` : v.toPrecision(3);
  return `${s} ${units[u]}`;
}

function one(info: Record<string, unknown>): string {
  const lines = [`image: ${info.filename}`, `file format: ${info.format}`, `virtual size: ${size(info['virtual-size'] as number)} (${info['virtual-size']} bytes)`];
  if (info['actual-size'] !== undefined) lines.push(`disk size: ${size(info['actual-size'] as number)}`);
  if (info['cluster-size'] !== undefined) lines.push(`cluster_size: ${info['cluster-size']}`);
  if (info['backing-filename'] !== undefined) {
    const full = info['full-backing-filename'];
    lines.push(`backing file: ${info['backing-filename']}${full !== info['backing-filename'] ? ` (actual path: ${full})` : ''}`);
    if (info['backing-filename-format'] !== undefined) lines.push(`backing file format: ${info['backing-filename-format']}`);
  }
  const spec = info['format-specific'] as { data: Record<string, unknown> } | undefined;
  if (spec) {
    lines.push('Format specific information:');
    for (const [k, v] of Object.entries(spec.data)) {
      lines.push(`    ${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function humanInfo(info: unknown): string {
  return Array.isArray(info) ? info.map((i) => one(i as Record<string, unknown>)).join('\n') : one(info as Record<string, unknown>);
}
