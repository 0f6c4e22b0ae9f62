// qemu-img info's human-readable layout, as qemu 7.2's block/qapi.c prints it: the summary lines,
// the snapshot table, then the format-specific data dumped as nested "key: value" lines with dashes
// in key names turned into spaces.
import { sizeToStr } from './qemu-size.js';

type Info = Record<string, unknown>;
interface Snapshot {
  id: string;
  name: string;
  'vm-state-size': number;
  'date-sec': number;
  'vm-clock-sec': number;
  'vm-clock-nsec': number;
  icount?: number;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local date as strftime("%Y-%m-%d %H:%M:%S"). */
function localDate(sec: number): string {
  const d = new Date(sec * 1000);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

function snapshotRow(s: Snapshot): string {
  const secs = s['vm-clock-sec'];
  const ms = Math.floor(s['vm-clock-nsec'] / 1e6) % 1000;
  const clock = `${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}.${String(ms).padStart(3, '0')}`;
  const icount = s.icount === undefined ? '' : String(s.icount);
  return `${s.id.padEnd(9)} ${s.name.padEnd(16)} ${sizeToStr(s['vm-state-size']).padStart(8)}${localDate(s['date-sec']).padStart(20)}${clock.padStart(13)}${icount.padStart(11)}`;
}

const SNAPSHOT_HEADER = `${'ID'.padEnd(10)}${'TAG'.padEnd(17)}${'VM SIZE'.padStart(8)}${'DATE'.padStart(20)}${'VM CLOCK'.padStart(13)}${'ICOUNT'.padStart(11)}`;

/** qapi.c dump_qobject: composites open a block one level deeper, scalars end the line. */
function dump(value: unknown, indent: number, out: string[], head: string): void {
  const composite = typeof value === 'object' && value !== null;
  if (!composite) {
    out.push(`${head}${String(value)}`);
    return;
  }
  out.push(head.replace(/ $/, ''));
  const lead = ' '.repeat(indent * 4);
  if (Array.isArray(value)) for (const [i, v] of value.entries()) dump(v, indent + 1, out, `${lead}[${i}]: `);
  else for (const [k, v] of Object.entries(value)) dump(v, indent + 1, out, `${lead}${k.replace(/-/g, ' ')}: `);
}

function one(info: Info): string {
  const lines = [
    `image: ${info.filename}`,
    `file format: ${info.format}`,
    `virtual size: ${sizeToStr(info['virtual-size'] as number)} (${info['virtual-size']} bytes)`,
    `disk size: ${info['actual-size'] === undefined ? 'unavailable' : sizeToStr(info['actual-size'] as number)}`,
  ];
  if (info.encrypted === true) lines.push('encrypted: yes');
  if (info['cluster-size'] !== undefined) lines.push(`cluster_size: ${info['cluster-size']}`);
  if (info['dirty-flag'] === true) lines.push('cleanly shut down: no');
  if (info['backing-filename'] !== undefined) {
    const full = info['full-backing-filename'];
    lines.push(
      `backing file: ${info['backing-filename']}${full !== undefined && full !== info['backing-filename'] ? ` (actual path: ${full})` : ''}`,
    );
    if (info['backing-filename-format'] !== undefined)
      lines.push(`backing file format: ${info['backing-filename-format']}`);
  }
  const snapshots = info.snapshots as Snapshot[] | undefined;
  if (snapshots?.length) lines.push('Snapshot list:', SNAPSHOT_HEADER, ...snapshots.map(snapshotRow));
  const spec = info['format-specific'] as { data: Info } | undefined;
  if (spec) {
    lines.push('Format specific information:');
    for (const [k, v] of Object.entries(spec.data)) dump(v, 2, lines, `    ${k.replace(/-/g, ' ')}: `);
  }
  return `${lines.join('\n')}\n`;
}

export function humanInfo(info: unknown): string {
  return Array.isArray(info) ? info.map((i) => one(i as Info)).join('\n') : one(info as Info);
}
