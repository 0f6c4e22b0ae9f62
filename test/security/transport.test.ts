// The gateway–agent link: the agent (built CLI, own process) serves HTTPS with a CA made here by
// openssl (no key material is committed); a gateway configured with `ca-file=` reaches it, one
// without that CA does not; with --tls-client-ca a client without a certificate is refused and the
// gateway's `cert-file=`/`key-file=` get through; plain HTTP off loopback needs --insecure-http.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayArgs } from '../../src/gateway/cli-args.js';
import { configFromArgs, startGateway } from '../../src/gateway/cli.js';
import { agentFetch } from '../../src/gateway/tls-fetch.js';
import { agentDir, removeDir, runAgentToExit, spawnAgent, type AgentProc } from './agent-process.js';

const TOKEN = 'read-token-for-the-transport-test';
let pki: string;
const agents: AgentProc[] = [];
const dirs: string[] = [];

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: pki, stdio: 'pipe' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all EC P-256, made now. */
function makePki(): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=vdisk test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  );
  for (const [name, ext] of [
    ['agent', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ]) {
    writeFileSync(join(pki, `${name}.ext`), `${ext}\n`);
    openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${name}.pem`,
      '-extfile',
      `${name}.ext`,
    );
  }
}

beforeAll(() => {
  const d = agentDir();
  pki = d.dir;
  dirs.push(d.dir);
  makePki();
});
afterAll(async () => {
  for (const a of agents) await a.stop();
  for (const d of [...dirs, ...agents.map((a) => a.dir)]) removeDir(d);
});

/** `vdisk agent` run with `args` until it exits or starts listening (then stopped). */
function agentRun(args: string[]) {
  const d = agentDir();
  dirs.push(d.dir);
  return runAgentToExit(['--name', 'h1', ...args], d);
}

async function httpsAgent(extra: string[] = []): Promise<AgentProc> {
  const a = await spawnAgent([
    '--name',
    'h1',
    '--listen',
    '127.0.0.1:0',
    '--tls-cert',
    join(pki, 'agent.pem'),
    '--tls-key',
    join(pki, 'agent.key'),
    ...extra,
  ]);
  agents.push(a);
  return a;
}

/** The gateway as `vdisk gateway` builds it from its arguments; answers its view of agent h1. */
async function gatewayHealth(agent: AgentProc, tlsOptions: string): Promise<{ up: boolean; error?: { code: string } }> {
  const d = agentDir(); // its secret file holds the same secret
  dirs.push(d.dir);
  const tokenFile = join(d.dir, 'tokens');
  writeFileSync(tokenFile, `read ${TOKEN}\n`, { mode: 0o600 });
  const args = parseGatewayArgs([
    '--agent',
    `h1=https://${agent.address},secret-file=${d.secretFile}${tlsOptions}`,
    '--token-file',
    tokenFile,
    '--listen',
    '127.0.0.1:0',
  ]);
  const gw = await startGateway(await configFromArgs(args), args, { fetch: await agentFetch(args.agents) });
  try {
    const res = await fetch(`${gw.url}/v1/agents/h1/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return (await res.json()) as { up: boolean; error?: { code: string } };
  } finally {
    await gw.close();
  }
}

/** A TLS handshake and a GET without a client certificate: the status, or the error's code. */
function bareHttpsGet(agent: AgentProc): Promise<number | string> {
  const [host, port] = [agent.address.replace(/:\d+$/, ''), Number(/:(\d+)$/.exec(agent.address)![1])];
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/v1/health', ca: readFileSync(join(pki, 'ca.pem')) }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

describe('the gateway–agent transport', () => {
  it('serves HTTPS that a gateway with ca-file= reaches and one without that CA does not', {
    timeout: 60_000,
  }, async () => {
    const agent = await httpsAgent();
    expect(await gatewayHealth(agent, `,ca-file=${join(pki, 'ca.pem')}`)).toMatchObject({ up: true });
    expect(await gatewayHealth(agent, '')).toMatchObject({ up: false, error: { code: 'E_GATEWAY_AGENT_DOWN' } });
  });

  it('with --tls-client-ca refuses a client without a certificate and admits the gateway with cert-file=', {
    timeout: 60_000,
  }, async () => {
    const agent = await httpsAgent(['--tls-client-ca', join(pki, 'ca.pem')]);
    // No HTTP answer at all: the TLS layer refuses the connection (an error code, not a status).
    expect(typeof (await bareHttpsGet(agent))).toBe('string');
    const ca = `,ca-file=${join(pki, 'ca.pem')}`;
    expect(await gatewayHealth(agent, ca)).toMatchObject({ up: false, error: { code: 'E_GATEWAY_AGENT_DOWN' } });
    expect(
      await gatewayHealth(agent, `${ca},cert-file=${join(pki, 'client.pem')},key-file=${join(pki, 'client.key')}`),
    ).toMatchObject({ up: true });
  });

  it('refuses plain HTTP on a non-loopback address unless --insecure-http, which warns', {
    timeout: 60_000,
  }, async () => {
    const refused = await agentRun(['--listen', '0.0.0.0:0']);
    expect(refused.listening).toBe(false);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--insecure-http');
    const allowed = await agentRun(['--listen', '0.0.0.0:0', '--insecure-http']);
    expect(allowed.listening).toBe(true);
    expect(allowed.stderr).toMatch(/WARNING: serving plain HTTP on 0\.0\.0\.0:0/);
    const loopback = await agentRun(['--listen', '127.0.0.2:0']);
    expect(loopback.listening).toBe(true);
    expect(loopback.stderr).not.toContain('WARNING');
  });
});
