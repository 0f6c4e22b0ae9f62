// `vdisk help [VERB]`, `vdisk VERB --help`: rendered from each verb's options table
// (src/cli/options/), the same table the verb's parser reads. It imports nothing but the tables,
// so help costs no engine start-up.
import { VERB_SPECS } from './options/index.js';
import { ignoredNames, rowFlags, type VerbSpec } from './options/row.js';

type Row = readonly [flags: string, text: string];
const COL = 24;
const pad = `\n${' '.repeat(COL + 4)}`;
const row = ([flags, text]: Row) =>
  `  ${flags.length > COL ? flags + pad : `${flags.padEnd(COL)}  `}${text.replaceAll('\n', pad)}`;

function rows(spec: VerbSpec): Row[] {
  const out: Row[] = [];
  for (const [name, r] of Object.entries(spec.options)) {
    if (r.ignored || r.shown === false) continue;
    out.push([rowFlags(name, r), r.help ?? ''], ...(r.more ?? []));
  }
  return [...out, ...(spec.rows ?? []), ['-h, --help', 'show this help']];
}

function notes(spec: VerbSpec): string {
  const ignored = ignoredNames(spec);
  const also = spec.ignoredAlso ? `, ${spec.ignoredAlso}` : '';
  const line = ignored.length ? `Accepted for qemu-img compatibility and ignored: ${ignored.join(', ')}${also}.` : '';
  return [spec.notes, line].filter(Boolean).join('\n');
}

export function verbHelp(verb: string): string {
  const h = VERB_SPECS[verb]!;
  const n = notes(h);
  return `usage: ${h.usage}\n\n${h.summary[0]!.toUpperCase()}${h.summary.slice(1)}.\n\noptions:\n${rows(h).map(row).join('\n')}\n${n ? `\n${n}\n` : ''}`;
}

export function generalHelp(): string {
  const verbs = Object.entries(VERB_SPECS)
    .map(([v, h]) => `  ${v.padEnd(10)}${h.summary}`)
    .join('\n');
  return (
    `usage: vdisk VERB [options] ARGS...\n       vdisk help VERB       (or vdisk VERB --help) the options of one verb\n       vdisk --version\n\n` +
    `verbs:\n${verbs}\n\nImages are raw or qcow2. A backing file opens in the format its image records; formats are never\n` +
    'probed unless --probe-backing is given. Every error is one line with a stable code (E_...).\n'
  );
}
