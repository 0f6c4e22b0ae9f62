// Each verb's options table (src/cli/options/) against the verb's real parser, run in-process through
// `run()` as the CLI runs it: every spelling in the verb's table must get past the parser, and every
// spelling any other verb's table has (and this one lacks) must be refused as an unknown option. The
// lists come from the tables, so an option added to a parser and not to its table (which is all help
// shows), or the reverse, fails here. Arguments are chosen so that nothing runs: the one positional
// is a path that does not exist (or a positional the verb refuses), and the gateway and token
// variables are unset so `vdisk job` stops before the network.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verbHelp } from '../../src/cli/help.js';
import { run } from '../../src/cli/main.js';
import { createNodeEngine } from '../../src/host/node-engine.js';
import { VERB_SPECS } from '../../src/cli/options/index.js';
import { type OptRow, spellings } from '../../src/cli/options/row.js';

const dir = mkdtempSync(join(tmpdir(), 'vdisk-options-'));
const missing = join(dir, 'no', 'such.img');
const saved = { gw: process.env.VDISK_GATEWAY, tok: process.env.VDISK_TOKEN_FILE };
beforeAll(() => {
  delete process.env.VDISK_GATEWAY;
  delete process.env.VDISK_TOKEN_FILE;
});
afterAll(() => {
  if (saved.gw !== undefined) process.env.VDISK_GATEWAY = saved.gw;
  if (saved.tok !== undefined) process.env.VDISK_TOKEN_FILE = saved.tok;
  rmSync(dir, { recursive: true, force: true });
});

const VERBS = Object.keys(VERB_SPECS);
/** Every spelling each verb's table declares, and whether it takes a value. */
const declared = (verb: string) =>
  new Map(
    Object.entries(VERB_SPECS[verb]!.options).flatMap(([n, r]: [string, OptRow]) =>
      spellings(n, r).map((s) => [s, r.type === 'string'] as const),
    ),
  );
const ALL = new Map(VERBS.flatMap((v) => [...declared(v)]));
/** One engine for every probe: nothing gets past opening an image. */
let shared: ReturnType<typeof createNodeEngine> | undefined;
const engine = () => (shared ??= createNodeEngine());

async function parse(verb: string, spelling: string, takesValue: boolean) {
  const out: string[] = [];
  const io = { stdout: (s: string) => void out.push(s), stderr: (s: string) => void out.push(s) };
  const lead = verb === 'job' ? ['status'] : [];
  const status = await run([verb, ...lead, spelling, ...(takesValue ? ['zz'] : []), missing], io, engine);
  return { status, text: out.join('') };
}
const UNKNOWN = /unknown option/i;

describe("every verb's parser accepts exactly its table's options", () => {
  test.each(VERBS)('%s accepts every option its table lists', async (verb) => {
    for (const [spelling, takesValue] of declared(verb)) {
      const r = await parse(verb, spelling, takesValue);
      expect(r.text, `vdisk ${verb} ${spelling}`).not.toMatch(UNKNOWN);
      expect(r.text, `vdisk ${verb} ${spelling}`).not.toMatch(/^\s+at /m); // no stack: a typed error
    }
  });

  test.each(VERBS)("%s refuses the other verbs' options it does not list", async (verb) => {
    const mine = declared(verb);
    const others = [...ALL].filter(([s]) => !mine.has(s));
    expect(others.length).toBeGreaterThan(0);
    for (const [spelling, takesValue] of others) {
      const r = await parse(verb, spelling, takesValue);
      expect(r.status, `vdisk ${verb} ${spelling}`).not.toBe(0);
      expect(r.text, `vdisk ${verb} ${spelling}`).toMatch(/E_USAGE/);
      expect(r.text, `vdisk ${verb} ${spelling}`).toMatch(UNKNOWN);
    }
  });

  test('nothing was written while probing', () => {
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('help shows what the table says', () => {
  test.each(VERBS)('%s: every shown option has a row, every default is stated', (verb) => {
    const help = verbHelp(verb);
    for (const [name, row] of Object.entries(VERB_SPECS[verb]!.options) as [string, OptRow][]) {
      const first = spellings(name, row).at(-1)!;
      if (row.ignored) expect(help, `${verb} ${first}`).toMatch(/ignored: .*/);
      expect(help.includes(first), `${verb} --help names ${first}`).toBe(true);
      if (typeof row.default === 'string') expect(row.help, `${verb} ${first}`).toContain(`default: ${row.default}`);
    }
  });
});

// The gateway's and the agent's parsers sit beside their servers (nothing there may import the CLI),
// so an option only one of them has is outside the probes above: compare their parseArgs literals.
describe('the daemons parse the options their tables list', () => {
  const parsed = (file: string) => {
    const src = readFileSync(new URL(`../../src/${file}`, import.meta.url), 'utf8');
    const literal = /parseArgs\(\{[\s\S]*?options: \{\n([\s\S]*?)\n {4}\},/.exec(src)?.[1] ?? '';
    return new Map([...literal.matchAll(/^ {6}'?([\w-]+)'?: \{ type: '(\w+)'/gm)].map((m) => [m[1]!, m[2]!]));
  };
  test.each([
    ['gateway', 'gateway/cli-args.ts'],
    ['agent', 'agent/config.ts'],
  ])('%s (%s)', (verb, file) => {
    const table = new Map(Object.entries(VERB_SPECS[verb]!.options).map(([n, r]) => [n, r.type as string]));
    const inParser = parsed(file);
    expect(inParser.size).toBeGreaterThan(3);
    expect(Object.fromEntries(inParser)).toEqual(Object.fromEntries(table));
  });
});
