// One row per option, read by both the verb's parser (node:util parseArgs takes `type`, `short`,
// `multiple`, `default` and ignores the rest) and by `vdisk help` (`arg`, `help`, `ignored`, `more`).
// This file imports nothing, so help costs no engine start-up.

export interface OptRow {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly default?: string | boolean;
  /** The value as help shows it: `FMT` (after a space), `=human|json` or `[=WHICH]` (joined). */
  readonly arg?: string;
  /** Help text, lines split by \n. Absent with `ignored` or `shown: false`. */
  readonly help?: string;
  /** Accepted for qemu-img compatibility and ignored: named in the verb's notes, not given a row. */
  readonly ignored?: true;
  /** Described in the verb's own rows (plan's kinds) rather than on a row of its own. */
  readonly shown?: false;
  /** Rows printed right after this one (the gateway's `--agent` keys). */
  readonly more?: readonly (readonly [flags: string, text: string])[];
}
export type OptTable = Readonly<Record<string, OptRow>>;

export interface VerbSpec {
  readonly summary: string;
  readonly usage: string;
  readonly options: OptTable;
  /** Rows after the options that are not options (plan's kinds). */
  readonly rows?: readonly (readonly [flags: string, text: string])[];
  /** Said after the ignored options' names ("and -t values other than unsafe"). */
  readonly ignoredAlso?: string;
  readonly notes?: string;
}

/** How the option is typed: `-f` for one-letter names, `--format` (and `-f, --format` with a short). */
export const flagOf = (name: string, row: OptRow): string =>
  name.length === 1 ? `-${name}` : row.short ? `-${row.short}, --${name}` : `--${name}`;

/** Every spelling the parser accepts for the option: `-f`, `--format`. */
export const spellings = (name: string, row: OptRow): string[] =>
  name.length === 1 ? [`-${name}`] : row.short ? [`-${row.short}`, `--${name}`] : [`--${name}`];

export const rowFlags = (name: string, row: OptRow): string =>
  flagOf(name, row) + (row.arg === undefined ? '' : /^\[?=/.test(row.arg) ? row.arg : ` ${row.arg}`);

/** The ignored options' names in the table's order. */
export const ignoredNames = (spec: VerbSpec): string[] =>
  Object.entries(spec.options)
    .filter(([, r]) => r.ignored)
    .map(([n, r]) => flagOf(n, r));
