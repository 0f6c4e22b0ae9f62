// One QMP session per configured VM (QEMU serves one client per socket at a time), opened on first
// use and reopened when it dropped. Each VM may record a transcript of its QMP traffic.
import { QmpClient } from '../../qmp/client.js';
import type { Transcript } from '../../qmp/transcript.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export interface VmConfig {
  name: string;
  socket: string;
}

export interface VmSessionOptions {
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  transcript?: (vm: string) => Transcript | undefined;
}

export class VmSessions {
  private readonly open = new Map<string, Promise<QmpClient>>();

  constructor(
    readonly vms: VmConfig[],
    private readonly opts: VmSessionOptions = {},
  ) {}

  get names(): string[] {
    return this.vms.map((v) => v.name);
  }

  has(name: string): boolean {
    return this.vms.some((v) => v.name === name);
  }

  socketOf(name: string): string | undefined {
    return this.vms.find((v) => v.name === name)?.socket;
  }

  /** The VM's session; E_AGENT_UNKNOWN_VM for a VM not configured, E_QMP_CONNECT when QEMU is not there. */
  async session(name: string): Promise<QmpClient> {
    const vm = this.vms.find((v) => v.name === name);
    if (!vm)
      throw new VdiskError('E_AGENT_UNKNOWN_VM', `this agent manages no VM '${name}'`, { field: 'vm', value: name });
    const existing = this.open.get(name);
    if (existing) {
      const client = await existing.catch(() => undefined);
      if (client?.isOpen) return client;
    }
    const next = QmpClient.connect(vm.socket, {
      commandTimeoutMs: this.opts.commandTimeoutMs ?? 30_000,
      connectTimeoutMs: this.opts.connectTimeoutMs ?? 5_000,
      transcript: this.opts.transcript?.(name),
    });
    this.open.set(name, next);
    next.catch(() => this.open.delete(name));
    return next;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close()));
  }
}
