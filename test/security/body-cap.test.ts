// Bounded before trusted: a 300 MB body sent to the agent in its own process, unsigned with a
// Content-Length and signed but chunked (no length). The agent answers 401 / 413 from the headers or
// the first 4 MiB and never holds the body: its VmRSS, sampled after every MiB sent, stays under 150 MiB.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/auth/hmac.js';
import { removeDir, spawnAgent, type AgentProc } from './agent-process.js';
import { SECRET } from './agent-process.js';

const MiB = 1024 * 1024;
const TOTAL = 300 * MiB;
const RSS_LIMIT = 150 * MiB;

let agent: AgentProc;
beforeAll(async () => {
  agent = await spawnAgent(['--name', 'h1', '--listen', '127.0.0.1:0']);
}, 30_000);
afterAll(async () => {
  await agent?.stop();
  if (agent) removeDir(agent.dir);
});

interface Flood {
  status?: number;
  code?: string;
  sent: number;
  peakRss: number;
}

/** Writes up to TOTAL bytes as fast as the agent takes them, until it answers; samples its RSS. */
function flood(headers: Record<string, string>): Promise<Flood> {
  const [host, port] = [agent.address.replace(/:\d+$/, ''), Number(/:(\d+)$/.exec(agent.address)![1])];
  const out: Flood = { sent: 0, peakRss: agent.rss() };
  const chunk = Buffer.alloc(MiB, 0x61);
  return new Promise((resolve) => {
    let answered = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      out.peakRss = Math.max(out.peakRss, agent.rss());
      req.destroy();
      resolve(out);
    };
    const req = request({ host, port, method: 'POST', path: '/v1/jobs', headers }, (res) => {
      answered = true;
      out.status = res.statusCode;
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.once('end', () => {
        out.code = (JSON.parse(text) as { code: string }).code;
        finish();
      });
      res.once('close', finish); // cut short: the status is kept, the code stays unknown
    });
    req.once('error', () => {
      if (!answered) finish();
    });
    // One chunk per turn of the event loop, so the agent's answer is read before the next write.
    const pump = () => {
      if (answered || done) return;
      out.peakRss = Math.max(out.peakRss, agent.rss());
      if (out.sent >= TOTAL) {
        req.end();
        return;
      }
      out.sent += chunk.length;
      req.write(chunk, () => setImmediate(pump));
    };
    pump();
  });
}

describe('the agent bounds a body before it trusts it', () => {
  it('refuses an unsigned 300 MB body from its headers, staying under 150 MiB resident', {
    timeout: 120_000,
  }, async () => {
    const r = await flood({ 'content-type': 'application/json', 'content-length': String(TOTAL) });
    expect({ status: r.status, code: r.code }).toEqual({ status: 401, code: 'E_AUTH_MISSING' });
    expect(r.peakRss).toBeLessThan(RSS_LIMIT);
    expect(r.sent).toBeLessThan(TOTAL); // it answered before the body was through
  });

  it('refuses a signed chunked 300 MB body at the cap with 413, staying under 150 MiB resident', {
    timeout: 120_000,
  }, async () => {
    const signed = await signRequest(SECRET, {
      agent: 'h1',
      method: 'POST',
      url: `http://${agent.address}/v1/jobs`,
      headers: { 'idempotency-key': 'k' },
      body: '{}',
    });
    const r = await flood({
      ...signed,
      'idempotency-key': 'k',
      'content-type': 'application/json',
      'transfer-encoding': 'chunked',
    });
    expect({ status: r.status, code: r.code }).toEqual({ status: 413, code: 'E_AGENT_BODY_TOO_LARGE' });
    expect(r.peakRss).toBeLessThan(RSS_LIMIT);
    expect(r.sent).toBeLessThan(TOTAL);
  });

  it('refuses a signed body whose Content-Length is over the cap before reading it', { timeout: 60_000 }, async () => {
    const signed = await signRequest(SECRET, {
      agent: 'h1',
      method: 'POST',
      url: `http://${agent.address}/v1/jobs`,
      headers: { 'idempotency-key': 'k2' },
      body: '{}',
    });
    const r = await flood({
      ...signed,
      'idempotency-key': 'k2',
      'content-type': 'application/json',
      'content-length': String(TOTAL),
    });
    expect({ status: r.status, code: r.code }).toEqual({ status: 413, code: 'E_AGENT_BODY_TOO_LARGE' });
    expect(r.peakRss).toBeLessThan(RSS_LIMIT);
  });
});
