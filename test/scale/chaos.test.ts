// The chaos suite at test size: 2 gateways (Node, workerd) × 2 real agents × 20 jobs, a gateway of
// each kind and each agent killed at seeded kill points. A fixed default seed, so the test passes or
// fails on the code alone; VDISK_CHAOS_SEED replays another. Full size: `npm run bench -- scale`.
import { describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/tools.js';
import { chaosSeed } from './rng.js';
import { report, runChaos } from './run.js';

requireTool('qemu-img');
requireTool('qemu-io');
requireTool('qemu-system-x86_64');
requireTool('workerd');

describe('chaos: gateways and agents killed while clients run jobs', () => {
  it('every key one job, every job final, every event once, every image as planned', { timeout: 300_000 }, async () => {
    const root = new URL('../../', import.meta.url).pathname;
    const r = await runChaos({
      root,
      seed: chaosSeed(20261207),
      agents: 2,
      jobs: 20,
      clients: 4,
      imagesPerAgent: 6,
      deadlineMs: 200_000,
      log: process.env.VDISK_CHAOS_DEBUG ? console.log : undefined,
    });
    console.log(report(r).join('\n'));
    const failed = r.verdicts.filter((v) => !v.ok);
    if (failed.length && process.env.VDISK_CHAOS_DEBUG) console.log(r.agentLogs.join('\n').slice(-20000));
    expect(failed.map((v) => `${v.name}: ${v.detail.join(' | ')}`)).toEqual([]);
    // Enough happened for the verdicts to mean something.
    expect(
      Object.entries(r.outcomes)
        .filter(([k]) => !k.startsWith('refused'))
        .reduce((n, [, v]) => n + v, 0),
    ).toBeGreaterThanOrEqual(10);
  });
});
