// Cheap revalidation of GET /v1/inventory (the contract the gateway's cache relies on): the answer
// carries ETag "<generation>", If-None-Match with the current generation gets 304 and no body, the
// generation moves when the content does, and the request is still signed and checked.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { noneMatch } from '../../../src/agent/http/routes-inventory.js';
import { qemuImg, signAs, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

describe('GET /v1/inventory revalidation', () => {
  it('Cache-Control: no-cache reads the files again within the TTL (a file made a moment ago is listed)', async () => {
    t = await testAgent({ inventoryTtlMs: 3_600_000 });
    const ids = async (headers?: Record<string, string>) =>
      (
        (await (await t.req('GET', '/v1/inventory', undefined, { headers })).json()) as { volumes: { id: string }[] }
      ).volumes.map((v) => v.id);
    expect(await ids()).toEqual([]);
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'new.qcow2'), '1M');
    expect(await ids()).toEqual([]); // the cached build, within the TTL
    expect(await ids({ 'cache-control': 'no-cache' })).toEqual(['p1:new.qcow2']);
    expect(await ids()).toEqual(['p1:new.qcow2']); // and the cache now holds it
  });

  it('ETag "<generation>"; If-None-Match → 304 without a body; a change → 200 with a new ETag', async () => {
    t = await testAgent({ inventoryTtlMs: 3_600_000 });
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '1M');
    const first = await t.req('GET', '/v1/inventory');
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{24}"$/);
    expect(etag).toBe(`"${t.agent.ctx.inventory.peek()!.generation}"`);
    const body = (await first.json()) as { volumes: { id: string }[] };
    expect(body.volumes.map((v) => v.id)).toEqual(['p1:a.qcow2']);

    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await t.req('GET', '/v1/inventory', undefined, { headers: { 'if-none-match': inm } });
      expect([again.status, again.headers.get('etag'), await again.text()]).toEqual([304, etag, '']);
    }
    const other = await t.req('GET', '/v1/inventory', undefined, { headers: { 'if-none-match': '"not-it"' } });
    expect([other.status, other.headers.get('etag')]).toEqual([200, etag]);

    // A change (seen by the next refresh) moves the generation: the old tag gets the new content.
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p2'), 'b.qcow2'), '1M');
    t.agent.ctx.inventory.invalidate();
    const changed = await t.req('GET', '/v1/inventory', undefined, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as { volumes: { id: string }[] }).volumes.map((v) => v.id).sort()).toEqual([
      'p1:a.qcow2',
      'p2:b.qcow2',
    ]);
  });

  it('still refuses an unsigned or badly signed request, If-None-Match or not', async () => {
    t = await testAgent({ inventoryTtlMs: 3_600_000 });
    const etag = (await t.req('GET', '/v1/inventory')).headers.get('etag')!;
    const unsigned = await t.req('GET', '/v1/inventory', undefined, {
      sign: false,
      headers: { 'if-none-match': etag },
    });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('etag')).toBeNull();
    const forOther = await signAs('h1', 'GET', '/v1/health');
    const wrong = await t.req('GET', '/v1/inventory', undefined, {
      sign: false,
      headers: { ...forOther, 'if-none-match': etag },
    });
    expect(wrong.status).toBe(401);
    const signed = await t.req('GET', '/v1/inventory', undefined, { headers: { 'if-none-match': etag } });
    expect(signed.status).toBe(304);
  });

  it('matches If-None-Match lists, weak tags and * only against the current tag', () => {
    expect(noneMatch(undefined, '"g1"')).toBe(false);
    expect(noneMatch('"g1"', '"g1"')).toBe(true);
    expect(noneMatch(' W/"g1" ', '"g1"')).toBe(true);
    expect(noneMatch('"g0", "g1"', '"g1"')).toBe(true);
    expect(noneMatch('"g0"', '"g1"')).toBe(false);
    expect(noneMatch('g1', '"g1"')).toBe(false); // unquoted is not the tag
    expect(noneMatch('*', '"g1"')).toBe(true);
  });
});
