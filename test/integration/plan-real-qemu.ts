// A minimal executor for the planner's own conformance test: QMP steps go to a real QEMU through
// the shared step → QMP map (waits poll query-jobs), file steps use qemu-img, the inventory is kept
// in memory. It exists to check that the commands the planner designs are accepted by QEMU 7.2.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { applyInventoryOps } from '../../src/plan/apply-inventory-ops.js';
import type { ActionCall } from '../../src/plan/actions.js';
import type { Inventory } from '../../src/plan/inventory.js';
import { qmpScript } from '../../src/plan/qmp-map.js';

type Reply = { return?: unknown; error?: { desc: string } };

export class Qemu {
  private buf = '';
  private readonly waiting: ((m: Reply) => void)[] = [];
  private constructor(
    private readonly proc: ChildProcess,
    private readonly sock: net.Socket,
  ) {
    sock.on('data', (d) => {
      this.buf += d.toString();
      for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
        const m = JSON.parse(this.buf.slice(0, i)) as Reply & { event?: string };
        this.buf = this.buf.slice(i + 1);
        if (!m.event) this.waiting.shift()?.(m);
      }
    });
  }

  static async start(socketPath: string): Promise<Qemu> {
    const proc = spawn('qemu-system-x86_64', [
      '-machine',
      'none',
      '-nodefaults',
      '-display',
      'none',
      '-qmp',
      `unix:${socketPath},server=on,wait=off`,
    ]);
    for (let i = 0; i < 100 && !fs.existsSync(socketPath); i++) await new Promise((r) => setTimeout(r, 20));
    const q = new Qemu(proc, net.createConnection(socketPath));
    await new Promise<Reply>((r) => q.waiting.push(r)); // greeting
    await q.call('qmp_capabilities', {});
    return q;
  }

  call(execute: string, args: Record<string, unknown>): Promise<Reply> {
    return new Promise((r) => {
      this.waiting.push(r);
      this.sock.write(`${JSON.stringify({ execute, arguments: args })}\n`);
    });
  }

  stop(): void {
    this.sock.destroy();
    this.proc.kill();
  }
}

export interface RealRun {
  inv: Inventory;
  commands: { execute: string; arguments: Record<string, unknown> }[];
}

/** A StepRunner for runPlan against real QEMU and qemu-img. */
export function realRunner(q: Qemu, run: RealRun) {
  return async (call: ActionCall): Promise<void> => {
    switch (call.action) {
      case 'inventory-update':
        run.inv = applyInventoryOps(run.inv, call.params.ops);
        return;
      case 'create-volume': {
        const v = call.params.volume;
        const backing = v.backingName ? ['-b', v.backingName, '-F', call.params.backingFormat!] : [];
        execFileSync('qemu-img', ['create', '-q', '-f', v.format, ...backing, v.path, String(v.virtualSize)]);
        run.inv = applyInventoryOps(run.inv, [{ op: 'add-volume', volume: v }]);
        return;
      }
      case 'delete-file':
        fs.rmSync(call.params.path, { force: true });
        return;
      case 'copy-data':
      case 'flush-volume':
      case 'verify-copy':
      case 'check-target':
        return; // data is not the point here
    }
    for (const op of qmpScript(call)) {
      if (op.op === 'await') {
        await awaitJob(q, op.job, op.status, !!op.tolerate);
        continue;
      }
      run.commands.push({ execute: op.execute, arguments: op.arguments });
      const r = await q.call(op.execute, op.arguments);
      if (r.error && !op.tolerate) throw new Error(`${op.execute} ${JSON.stringify(op.arguments)}: ${r.error.desc}`);
    }
  };
}

async function awaitJob(q: Qemu, id: string, status: string, tolerateMissing: boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const jobs = (await q.call('query-jobs', {})).return as { id: string; status: string; error?: string }[];
    const job = jobs.find((j) => j.id === id);
    if (!job) {
      if (tolerateMissing) return;
      throw new Error(`job ${id} is gone`);
    }
    if (job.status === status) return;
    if (job.status === 'concluded') throw new Error(`job ${id} concluded: ${job.error ?? 'no error'}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${id} never reached ${status}`);
}
