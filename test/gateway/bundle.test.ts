// The app must stay runtime-neutral: the workerd bundle builds with --platform=neutral (an import of a
// Node built-in fails that build) and the config the launcher writes holds no secret.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgeCapnp } from '../../src/gateway/edge/capnp.js';
import { buildEdgeBundle } from '../../src/gateway/edge/launch.js';

describe('edge bundle', () => {
  it('builds for a neutral platform with no Node built-in in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgb-'));
    try {
      await buildEdgeBundle(process.cwd(), join(dir, 'gateway.mjs'));
      const code = readFileSync(join(dir, 'gateway.mjs'), 'utf8');
      expect(code).toContain('/v1/jobs');
      expect(code).not.toMatch(/from\s*["']node:|require\(["']node:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a workerd config whose secrets come from the environment only', () => {
    const text = edgeCapnp({
      bundle: 'g.mjs',
      host: '127.0.0.1',
      port: 8787,
      agents: [{ name: 'host-a', url: 'http://10.0.0.2:7420' }],
      corsOrigins: [],
      maxBodyBytes: 1024,
      heartbeatMs: 15000,
      agentTimeoutMs: 10000,
      fanOutTimeoutMs: 1000,
      inventoryTtlMs: 2000,
      inventoryStaleMs: 10000,
    });
    expect(text).toContain('(name = "AGENT_SECRET_HOST_A", fromEnvironment = "VDISK_AGENT_SECRET_HOST_A")');
    expect(text).toContain('(name = "GATEWAY_TOKENS", fromEnvironment = "VDISK_GATEWAY_TOKENS")');
    expect(text).toContain('network = (allow = ["public", "private", "local"])');
    expect(text).toContain('globalOutbound = "agents-net"');
    expect(text).toContain('address = "127.0.0.1:8787"');
  });
});
