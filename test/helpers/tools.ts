// Tests drive real tools. A missing tool fails the test with the command that installs it, never skips.
import { execFileSync } from 'node:child_process';

const INSTALL: Record<string, string> = {
  'qemu-img': 'apt-get update && apt-get install -y --no-install-recommends qemu-utils',
  'qemu-io': 'apt-get update && apt-get install -y --no-install-recommends qemu-utils',
  'qemu-system-x86_64': 'apt-get update && apt-get install -y --no-install-recommends qemu-system-x86',
  chromium: 'apt-get update && apt-get install -y --no-install-recommends chromium',
  'mkfs.xfs': 'apt-get update && apt-get install -y --no-install-recommends xfsprogs',
  'mkfs.btrfs': 'apt-get update && apt-get install -y --no-install-recommends btrfs-progs',
  filefrag: 'apt-get update && apt-get install -y --no-install-recommends e2fsprogs',
  workerd: 'npm ci (workerd is a devDependency; run tests with npx vitest so node_modules/.bin is on PATH)',
};

export function requireTool(name: string): string {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'pipe' });
    return name;
  } catch {
    throw new Error(`${name} is not installed; install it with: ${INSTALL[name] ?? `apt-get install ${name}`}`);
  }
}
