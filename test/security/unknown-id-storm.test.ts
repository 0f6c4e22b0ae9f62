// Bounded work per caller (issue 12, item 6): an unknown volume id is a 404 from what the agent
// already knows, not a rescan of every root. 300 concurrent unknown ids cause at most one scan,
// counted at the engine (a scan opens every image in the roots through it).
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { qemuImg, testAgent, type TestAgent } from '../agent/helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

describe('unknown volume ids', () => {
  it('300 concurrent unknown ids: all 404 E_AGENT_UNKNOWN_VOLUME, at most one scan', async () => {
    t = await testAgent();
    for (const n of ['a', 'b', 'c']) qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), `${n}.qcow2`), '1M');
    expect((await t.req('GET', '/v1/inventory')).status).toBe(200);
    const engine = t.agent.ctx.engine;
    const use = engine.use.bind(engine);
    let opened = 0;
    engine.use = (fn) => {
      opened++;
      return use(fn);
    };
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        t
          .req('GET', `/v1/volumes/p1:nope-${i}.qcow2/${i % 2 ? 'data' : 'extents'}`)
          .then(async (r) => [r.status, ((await r.json()) as { code: string }).code]),
      ),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(
      new Set([JSON.stringify([404, 'E_AGENT_UNKNOWN_VOLUME'])]),
    );
    // One scan opens the three images once each.
    expect(opened).toBeLessThanOrEqual(3);
  });

  it('a known volume is still served without a scan', async () => {
    t = await testAgent();
    qemuImg('create', '-q', '-f', 'raw', join(t.pool('p1'), 'r.img'), '64k');
    expect((await t.req('GET', '/v1/inventory')).status).toBe(200);
    const res = await t.req('GET', '/v1/volumes/p1:r.img/data', undefined, { headers: { range: 'bytes=0-15' } });
    expect([res.status, (await res.arrayBuffer()).byteLength]).toEqual([206, 16]);
  });
});
