// `vdisk help`, `vdisk VERB --help` and `vdisk --version` as users run them: the built CLI
// (dist/cli.mjs, `npm run build`) as a child process. Help is rendered from each verb's options table
// (src/cli/options/), which test/cli/options.test.ts holds to the parsers; the lists below are an
// independent record of what each verb took when they were written, so an option that silently leaves a
// table (and with it the parser and the help) fails here too.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { describeRun, runVdisk } from '../fixtures/vdisk-cli.js';

const PROBE = '--probe-backing';
/** Every option each verb's parseArgs declares (src/cli/image-verbs.ts, src/cli/verbs/*.ts, ...), and one it does not. */
const OPTIONS: Record<string, { has: string[]; not: string }> = {
  info: { has: ['-f', '--format', '--output', '--backing-chain', PROBE], not: '--shrink' },
  map: { has: ['-f', '--format', '--output', PROBE], not: '--backing-chain' },
  compare: { has: ['-f', '--format', '-F', '--second-format', '--output', PROBE], not: '-s' },
  check: { has: ['-f', '--format', '--output', '-r', '--repair', '-p', '--progress', PROBE], not: '-T' },
  convert: {
    has: [
      '-f',
      '-O',
      '-o',
      '-B',
      '-F',
      '-S',
      '-c',
      '-n',
      '-p',
      '--target-is-zero',
      '--target-size',
      '--force',
      '--chunk-size',
      '--depth',
      PROBE,
      '--bitmaps',
      '--skip-broken-bitmaps',
      '-t',
      '-T',
      '-q',
      '-W',
      '-m',
    ],
    not: '-l',
  },
  create: { has: ['-f', '-o', '-b', '-F', '-p', '-q', '--force'], not: '-u' },
  measure: { has: ['-f', '-O', '-o', '--size', '--output', PROBE], not: '-l' },
  commit: { has: ['-f', '-b', '-d', '-p', '-q', '-t', PROBE], not: '-r' },
  rebase: { has: ['-f', '-b', '-F', '-u', '-p', '-q', '-t', '-T', PROBE], not: '-c' },
  resize: { has: ['-f', '--shrink', '-p', '-q', PROBE], not: '--preallocation' },
  start: { has: ['--dir', '--port', '--no-vm'], not: '--listen' },
  plan: {
    has: [
      '--inventory',
      '--request',
      '--schema',
      '--output',
      '--id-prefix',
      '--volume',
      '--to-pool',
      '--shape',
      '--verify',
      '--wipe',
      '--name',
      '--format',
      '--capacity',
      '--owner',
      '--mode',
      '--vm',
      '--disk',
      '--dest',
      '--pool',
      '--flags',
      '--finish',
      '--disks',
      '--snapshot',
      'move',
      'clone',
      'block-copy',
      'snapshot',
      'snapshot-delete',
    ],
    not: PROBE,
  },
  gateway: { has: ['--agent', '--token-file', '--listen', '--cors-origin', '--max-body'], not: '--root' },
  agent: {
    has: [
      '--root',
      '--qmp',
      '--listen',
      '--secret-file',
      '--name',
      '--state-dir',
      '--qmp-transcripts',
      '--job-timeout-ms',
      '--heartbeat-ms',
      '--max-streams',
      '--max-streams-per-caller',
      '--keep-jobs',
      '--keep-jobs-days',
      '--allow-owner',
      '--max-body',
      '--tls-cert',
      '--tls-key',
      '--tls-client-ca',
      '--insecure-http',
      '--adopt',
    ],
    not: '--agent',
  },
  job: {
    has: ['--gateway', '--token-file', '--request', '--plan', '--key', '--limit', '--last-event-id', '--output'],
    not: '--root',
  },
};
const VERBS = Object.keys(OPTIONS);

/** `opt` appears as a word of its own (`-f FMT`, `[-f`, `-f,`, `--output=...`), not inside `--format`. */
const names = (text: string, opt: string) =>
  new RegExp(`(^|[\\s,\\[(|])${opt.replace(/[|\\]/g, '\\$&')}(?![\\w-])`, 'm').test(text);
const optionsPart = (help: string) => help.slice(help.indexOf('\noptions:\n'));

const dir = mkdtempSync(join(tmpdir(), 'vdisk-help-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vdisk help (built CLI)', () => {
  test.each(VERBS)('%s --help names every option the verb accepts, on stdout, exit 0', async (verb) => {
    const r = await runVdisk([verb, '--help']);
    expect(r.status, describeRun(r)).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^usage: vdisk ${verb} `));
    const opts = optionsPart(r.stdout);
    expect(opts).toMatch(/^\noptions:\n/);
    for (const o of OPTIONS[verb]!.has) expect(names(opts, o), `${verb} --help names ${o}`).toBe(true);
    expect(names(r.stdout, OPTIONS[verb]!.not), `${verb} --help must not name ${OPTIONS[verb]!.not}`).toBe(false);
    // The same text for `help VERB` and `VERB -h`.
    for (const args of [
      ['help', verb],
      [verb, '-h'],
    ]) {
      const same = await runVdisk(args);
      expect(same.status, describeRun(same)).toBe(0);
      expect(same.stdout).toBe(r.stdout);
    }
  });

  test.each([['--help'], ['-h'], ['help']])('`vdisk %s` lists every verb on stdout, exit 0', async (arg) => {
    const r = await runVdisk([arg]);
    expect(r.status, describeRun(r)).toBe(0);
    expect(r.stderr).toBe('');
    for (const v of VERBS) expect(r.stdout).toMatch(new RegExp(`^  ${v} +\\S`, 'm'));
    expect(r.stdout).toContain('vdisk help VERB');
  });

  test('`vdisk` alone prints the same help on stderr and exits 1', async () => {
    const r = await runVdisk([]);
    expect(r.status, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    for (const v of VERBS) expect(r.stderr).toMatch(new RegExp(`^  ${v} +\\S`, 'm'));
  });

  test('--version and -V print the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const arg of ['--version', '-V']) {
      const r = await runVdisk([arg]);
      expect(r.status, describeRun(r)).toBe(0);
      expect(r.stdout).toBe(`vdisk ${version}\n`);
    }
  });

  test('help for a verb that does not exist exits 1 naming it', async () => {
    for (const args of [
      ['help', 'nosuch'],
      ['nosuch', '--help'],
      ['help', 'toString'],
    ]) {
      const r = await runVdisk(args);
      expect(r.status, describeRun(r)).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`unknown verb ${args[0] === 'help' ? args[1] : args[0]}`);
    }
  });

  test('convert --help with a source and destination prints help and writes nothing', async () => {
    const r = await runVdisk(['convert', '-O', 'qcow2', 'in.raw', 'out.qcow2', '--help'], { cwd: dir });
    expect(r.status, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^usage: vdisk convert /);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('-h after -- is an argument, not a request for help', async () => {
    const r = await runVdisk(['info', '--', '-h'], { cwd: dir });
    expect(r.status, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^vdisk info: E_NOT_FOUND/m);
  });

  test('a usage error points at the help of its verb', async () => {
    const r = await runVdisk(['convert', '--no-such-option', 'a', 'b'], { cwd: dir });
    expect(r.status, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/^vdisk convert: E_USAGE: .* — see vdisk help convert$/m);
    expect(readdirSync(dir)).toEqual([]);
  });
});
