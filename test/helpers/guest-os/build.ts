// The test guest, built at test time from Debian's packages and cached between runs: the cloud
// kernel (linux-image-cloud-amd64's kernel package) and a busybox initramfs with the virtio modules
// and the writer's init (init.sh). Packages are fetched with `apt-get download` and unpacked with
// `dpkg-deb -x` into a temp dir: nothing is installed on the host.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '../tools.js';
import { cpioNewc, type CpioEntry } from './cpio.js';

export interface GuestOs {
  kernel: string;
  initrd: string;
}

const HERE = new URL('.', import.meta.url).pathname;
/** Modules the guest loads (with their dependencies): the disks and the PCI transport under them. */
const WANTED = ['virtio_pci', 'virtio_blk'];

/** Kernel and initramfs paths, building them once per content of this folder. */
export function guestOs(): GuestOs {
  const key = createHash('sha256')
    .update(['init.sh', 'build.ts', 'cpio.ts'].map((f) => readFileSync(join(HERE, f), 'utf8')).join('\0'))
    .digest('hex')
    .slice(0, 16);
  const dir = join(process.env.VDISK_GUEST_CACHE ?? join(homedir(), '.cache', 'vdisk', 'guest'), key);
  const out = { kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.cpio') };
  if (existsSync(out.kernel) && existsSync(out.initrd)) return out;
  const work = mkdtempSync(join(tmpdir(), 'vguest-'));
  try {
    const root = join(work, 'x');
    for (const deb of download(work)) execFileSync(requireTool('dpkg-deb'), ['-x', deb, root]);
    const kernel = readdirSync(join(root, 'boot')).find((f) => f.startsWith('vmlinuz-'));
    if (!kernel) throw new Error('the kernel package holds no /boot/vmlinuz-*');
    const version = kernel.slice('vmlinuz-'.length);
    const initrd = cpioNewc(entries(root, version));
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.tmp-${process.pid}`);
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, 'vmlinuz'), readFileSync(join(root, 'boot', kernel)));
    writeFileSync(join(tmp, 'initrd.cpio'), initrd);
    renameSync(join(tmp, 'vmlinuz'), out.kernel);
    renameSync(join(tmp, 'initrd.cpio'), out.initrd);
    rmSync(tmp, { recursive: true, force: true });
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The kernel package behind the linux-image-cloud-amd64 metapackage, and busybox-static. */
function download(work: string): string[] {
  const apt = requireTool('apt-get');
  const get = (...pkgs: string[]) =>
    execFileSync(apt, ['-q', '-o', 'APT::Sandbox::User=root', 'download', ...pkgs], { cwd: work, stdio: 'pipe' });
  get('linux-image-cloud-amd64', 'busybox-static');
  const meta = readdirSync(work).find((f) => f.startsWith('linux-image-cloud-amd64_'))!;
  const depends = execFileSync(requireTool('dpkg-deb'), ['-f', join(work, meta), 'Depends'], { encoding: 'utf8' });
  const pkg = /linux-image-[0-9][^\s,(]*/.exec(depends)?.[0];
  if (!pkg) throw new Error(`linux-image-cloud-amd64 depends on no kernel package: ${depends}`);
  get(pkg);
  return readdirSync(work)
    .filter((f) => f.endsWith('.deb') && !f.startsWith('linux-image-cloud-amd64_'))
    .map((f) => join(work, f));
}

function entries(root: string, version: string): CpioEntry[] {
  const modules = moduleOrder(join(root, 'lib', 'modules', version, 'kernel'));
  const dirs = ['bin', 'proc', 'sys', 'dev', 'lib', 'lib/modules'].map((path) => ({ path, mode: 0o755 }));
  return [
    ...dirs,
    { path: 'dev/console', char: [5, 1], mode: 0o600 },
    { path: 'bin/busybox', data: readFileSync(join(root, 'bin', 'busybox')), mode: 0o755 },
    { path: 'init', data: readFileSync(join(HERE, 'init.sh')), mode: 0o755 },
    { path: 'modules.order', data: Buffer.from(`${modules.map((m) => m.name).join('\n')}\n`), mode: 0o644 },
    ...modules.map((m) => ({ path: `lib/modules/${m.name}.ko`, data: m.data, mode: 0o644 })),
  ];
}

/** WANTED and what they depend on (each module's `depends=` in its .modinfo), dependencies first. */
function moduleOrder(kernelDir: string): { name: string; data: Buffer }[] {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.ko')) files.set(e.name.slice(0, -3).replace(/-/g, '_'), join(d, e.name));
    }
  };
  walk(kernelDir);
  const out: { name: string; data: Buffer }[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const file = files.get(name);
    if (!file) throw new Error(`module ${name} is not in the kernel package (compressed modules are not handled)`);
    const data = readFileSync(file);
    const dep = /depends=([^\0]*)\0/.exec(data.toString('latin1'))?.[1] ?? '';
    for (const d of dep.split(',').filter(Boolean)) visit(d.replace(/-/g, '_'));
    out.push({ name, data });
  };
  WANTED.forEach(visit);
  return out;
}
