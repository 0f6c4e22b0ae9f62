// `vdisk gateway` on Node: argument and file parsing, configuration checks that never echo a secret,
// and the real command in a child process (the CLI bundled as scripts/build.mjs bundles it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayArgs } from '../../src/gateway/cli-args.js';
import { parseGatewayConfig, parseTokenFile } from '../../src/gateway/config.js';
import { startFakeAgent, type FakeAgent } from './helpers/fake-agent.js';
import { bundleCli, spawnGateway } from './helpers/gateway-process.js';
import { rand } from './helpers/setup.js';
import { alphaInventory } from './helpers/worlds.js';

describe('arguments and files', () => {
  it('parses agents, listen address, CORS origins and the body limit', () => {
    expect(
      parseGatewayArgs([
        '--agent',
        'a=http://127.0.0.1:7420,secret-file=/s/a',
        '--agent',
        'b-2=https://h:1,secret-file=/s/b',
        '--token-file',
        '/t',
        '--listen',
        '0.0.0.0:9000',
        '--cors-origin',
        'https://c.example',
        '--max-body',
        '2048',
      ]),
    ).toEqual({
      agents: [
        { name: 'a', url: 'http://127.0.0.1:7420', secretFile: '/s/a' },
        { name: 'b-2', url: 'https://h:1', secretFile: '/s/b' },
      ],
      tokenFile: '/t',
      host: '0.0.0.0',
      port: 9000,
      corsOrigins: ['https://c.example'],
      maxBodyBytes: 2048,
    });
    expect(parseGatewayArgs(['--agent', 'a=http://x,secret-file=/s', '--token-file', '/t'])).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
    });
    expect(
      parseGatewayArgs([
        '--agent',
        'a=https://x:1,secret-file=/s,ca-file=/ca.pem,cert-file=/c.pem,key-file=/c.key',
        '--token-file',
        '/t',
      ]).agents,
    ).toEqual([
      { name: 'a', url: 'https://x:1', secretFile: '/s', caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/c.key' },
    ]);
  });

  it.each([
    [[], 'at least one --agent'],
    [['--agent', 'a=http://x', '--token-file', '/t'], 'NAME=URL,secret-file=FILE'],
    [['--agent', 'a=http://x,secret-file=/s'], '--token-file'],
    [['--agent', 'a=http://x,secret-file=/s', '--token-file', '/t', '--listen', 'nowhere'], '--listen'],
    [['--agent', 'a=http://x,secret-file=/s,ca-file=/ca', '--token-file', '/t'], 'need an https:// URL'],
    [
      ['--agent', 'a=https://x,secret-file=/s,cert-file=/c', '--token-file', '/t'],
      'cert-file and key-file go together',
    ],
    [['--agent', 'a=https://x,secret-file=/s,trust=all', '--token-file', '/t'], 'unknown or empty option trust'],
  ])('refuses %j with E_USAGE', (argv, msg) => {
    expect(() => parseGatewayArgs(argv)).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining(msg) }),
    );
  });

  it('reads token files with scopes and comments, refusing other lines', () => {
    expect(parseTokenFile('# tokens\nread  abcdefghijklmnop1\n\nwrite abcdefghijklmnop2 # ops\n')).toEqual([
      { scope: 'read', token: 'abcdefghijklmnop1' },
      { scope: 'write', token: 'abcdefghijklmnop2' },
    ]);
    expect(parseTokenFile('write abcdefghijklmnop3 ops@site\nread abcdefghijklmnop4 console.ro # 2nd')).toEqual([
      { scope: 'write', token: 'abcdefghijklmnop3', name: 'ops@site' },
      { scope: 'read', token: 'abcdefghijklmnop4', name: 'console.ro' },
    ]);
    expect(() => parseTokenFile('read abcdefghijklmnop5 two words')).toThrow(
      expect.objectContaining({ code: 'E_GATEWAY_CONFIG' }),
    );
    expect(() => parseTokenFile('read abcdefghijklmnop5 -dash')).toThrow(
      expect.objectContaining({ code: 'E_GATEWAY_CONFIG' }),
    );
    expect(() => parseTokenFile('admin abcdefghijklmnop')).toThrow(
      expect.objectContaining({ code: 'E_GATEWAY_CONFIG', message: expect.stringContaining('line 1') }),
    );
  });

  it('refuses a bad configuration naming the field, never the secret', () => {
    const good = {
      agents: [{ name: 'a', url: 'http://127.0.0.1:1', secret: 's'.repeat(16) }],
      tokens: [{ token: 't'.repeat(16), scope: 'read' as const }],
    };
    const cases: [unknown, string][] = [
      [{ ...good, agents: [{ ...good.agents[0], secret: 'shortsecret' }] }, 'agents.0.secret'],
      [{ ...good, agents: [{ ...good.agents[0], url: 'http://user:pw@h/' }] }, 'agents.0.url'],
      [{ ...good, agents: [{ ...good.agents[0], name: 'Has~Tilde' }] }, 'agents.0.name'],
      [{ ...good, agents: [good.agents[0], good.agents[0]] }, 'agents'],
      [{ ...good, tokens: [{ token: 'tiny', scope: 'read' }] }, 'tokens.0.token'],
    ];
    for (const [config, field] of cases) {
      let err: { code?: string; message?: string; detail?: { field?: string } } = {};
      try {
        parseGatewayConfig(config);
      } catch (e) {
        err = e as typeof err;
      }
      expect(err.code).toBe('E_GATEWAY_CONFIG');
      expect(err.detail?.field).toBe(field);
      expect(err.message).not.toMatch(/shortsecret|pw@|tiny/);
    }
  });
});

describe('vdisk gateway (child process)', () => {
  let dir: string;
  let agent: FakeAgent;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vgw-'));
    await bundleCli(dir);
    agent = await startFakeAgent({ name: 'alpha', secret: `alpha-${rand()}`, inventory: alphaInventory });
  });
  afterAll(async () => {
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API from files, never prints a secret, and stops on SIGTERM', async () => {
    const gw = spawnGateway(dir, agent);
    const { child, token } = gw;
    try {
      const url = await gw.url;
      const res = await fetch(`${url}/v1/agents/alpha/health`, { headers: { authorization: `Bearer ${token}` } });
      expect(await res.json()).toMatchObject({ name: 'alpha', up: true });
      expect(agent.calls.at(-1)?.verified).toBe(true);
      expect((await fetch(`${url}/v1/inventory`)).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await gw.exited).toBe(0);
    expect(gw.output()).toContain('"path":"/v1/inventory","status":401');
    expect(gw.output()).not.toContain(agent.secret);
    expect(gw.output()).not.toContain(token);
  });
});
