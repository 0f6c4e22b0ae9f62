// Attack: a local user reads a secret that another file mode lets them read (the agent's HMAC
// secret, the gateway's bearer tokens or its agents' secrets) and signs or calls as the gateway.
// Both refuse to start on a secret or token file readable by group or others, naming the file and
// the chmod that fixes it.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAgentArgs } from '../../src/agent/config.js';
import { configFromArgs } from '../../src/gateway/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function file(name: string, text: string, mode: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'vsec-'));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

const refusal = (path: string) =>
  expect.objectContaining({
    code: 'E_SECRET_FILE_MODE',
    message: expect.stringContaining(path),
    detail: expect.objectContaining({ hint: `chmod 600 ${path}` }),
  });

describe('secret and token files readable by others are refused', () => {
  it.each([0o644, 0o640, 0o604])('the agent refuses --secret-file with mode %o', (mode) => {
    const secret = file('agent.secret', 'a secret of enough length\n', mode);
    expect(() => parseAgentArgs(['--root', 'p1=/srv/p1', '--secret-file', secret])).toThrow(refusal(secret));
  });

  it('the agent starts with a 0600 or 0400 secret file', () => {
    for (const mode of [0o600, 0o400]) {
      const secret = file('agent.secret', 'a secret of enough length\n', mode);
      expect(parseAgentArgs(['--root', 'p1=/srv/p1', '--secret-file', secret]).secret).toEqual([
        'a secret of enough length',
      ]);
    }
  });

  it('the gateway refuses a token file and an agent secret file readable by group or others', async () => {
    const goodTokens = file('tokens', 'write abcdefghijklmnop1\n', 0o600);
    const goodSecret = file('a.secret', 'a secret of enough length\n', 0o600);
    const args = (tokenFile: string, secretFile: string) => ({
      agents: [{ name: 'a', url: 'http://127.0.0.1:7420', secretFile }],
      tokenFile,
      host: '127.0.0.1',
      port: 0,
      corsOrigins: [],
    });
    const looseTokens = file('tokens', 'write abcdefghijklmnop1\n', 0o644);
    await expect(configFromArgs(args(looseTokens, goodSecret))).rejects.toThrow(refusal(looseTokens));
    const looseSecret = file('a.secret', 'a secret of enough length\n', 0o640);
    await expect(configFromArgs(args(goodTokens, looseSecret))).rejects.toThrow(refusal(looseSecret));
    await expect(configFromArgs(args(goodTokens, goodSecret))).resolves.toMatchObject({ tokens: [{ scope: 'write' }] });
  });
});
