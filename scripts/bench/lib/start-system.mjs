// A real `vdisk start` (the built CLI, no demo VM) for the browser bench: its console origin, a
// session token redeemed from the printed login link, and the pool directory volumes are added to.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export async function startVdisk(cli, dir) {
  const child = spawn(process.execPath, [cli, 'start', '--port', '0', '--no-vm', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const link = await new Promise((ok, fail) => {
    child.stdout.setEncoding('utf8').on('data', (s) => {
      out += s;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)#login=([\w.-]+)/.exec(out);
      if (m) ok({ base: m[1], login: m[2] });
    });
    child.once('exit', (code) => fail(new Error(`vdisk start exited with ${code}: ${out}`)));
  });
  const res = await fetch(`${link.base}console/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: link.login }),
  });
  if (!res.ok) throw new Error(`console/login: HTTP ${res.status}`);
  const { token } = await res.json();
  const headers = { authorization: `Bearer ${token}` };
  return {
    url: link.base,
    pool: join(dir, 'pool-a'),
    headers,
    /** The relay URL of the volume whose path ends with `name`. */
    async volumeUrl(name) {
      const { inventory } = await (await fetch(`${link.base}v1/inventory`, { headers })).json();
      const v = inventory.volumes.find((x) => String(x.path).endsWith(`/${name}`));
      if (!v) throw new Error(`${name} is not in the inventory`);
      const pool = inventory.pools.find((p) => p.id === v.pool);
      return `${link.base}v1/agents/${encodeURIComponent(pool.host)}/volumes/${encodeURIComponent(v.id)}/data`;
    },
    stop: () =>
      new Promise((ok) => {
        child.once('exit', ok);
        child.kill('SIGINT');
      }),
  };
}
