// The host's end of the test guest's control port (its second serial port, a unix socket here):
// reads READY, the acknowledged writes (`W disk block generation`) and the checksums the guest takes
// of its own disks once told to STOP.
import { connect, type Socket } from 'node:net';

export interface GuestControl {
  /** Disks the guest writes (vda, vdb, ...), once its init is running. */
  ready: Promise<string[]>;
  /** Last acknowledged generation of every block written, per disk. */
  readonly acked: Map<string, Map<number, number>>;
  /** Highest generation acknowledged on any disk. */
  readonly lastGen: number;
  /** Resolves once `n` more writes have been acknowledged (counted from this call). */
  writes(n: number, timeoutMs?: number): Promise<void>;
  /** Stops the writer; resolves with the guest's md5 of each whole disk. */
  stop(timeoutMs?: number): Promise<Record<string, string>>;
  close(): void;
}

export async function guestControl(socketPath: string): Promise<GuestControl> {
  const sock = await connectRetry(socketPath);
  const acked = new Map<string, Map<number, number>>();
  let count = 0;
  let lastGen = 0;
  const sums: Record<string, string> = {};
  const waiters: { at: number; resolve: () => void }[] = [];
  let done: (() => void) | undefined;
  let readyResolve!: (d: string[]) => void;
  const ready = new Promise<string[]>((r) => (readyResolve = r));
  let buf = '';
  sock.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk.replace(/\r/g, '');
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      const [kind, a, b, c] = line.split(/\s+/);
      if (kind === 'READY') readyResolve(line.split(/\s+/).slice(1));
      else if (kind === 'W' && a && b && c) {
        const disk = acked.get(a) ?? new Map<number, number>();
        acked.set(a, disk);
        disk.set(Number(b), Number(c));
        lastGen = Math.max(lastGen, Number(c));
        count++;
        for (const w of waiters.filter((x) => x.at <= count)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      } else if (kind === 'SUM' && a && b) sums[a] = b;
      else if (kind === 'DONE') done?.();
    }
  });
  const timed = <T>(p: Promise<T>, ms: number, what: string) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`guest: no ${what} within ${ms} ms`)), ms).unref(),
      ),
    ]);
  return {
    ready,
    acked,
    get lastGen() {
      return lastGen;
    },
    writes: (n, timeoutMs = 60_000) =>
      timed(new Promise<void>((resolve) => waiters.push({ at: count + n, resolve })), timeoutMs, `${n} writes`),
    async stop(timeoutMs = 60_000) {
      const finished = new Promise<void>((r) => (done = r));
      sock.write('STOP\n');
      await timed(finished, timeoutMs, 'checksums');
      return sums;
    },
    close: () => sock.destroy(),
  };
}

async function connectRetry(path: string): Promise<Socket> {
  for (let i = 0; ; i++) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = connect(path, () => resolve(s));
        s.once('error', reject);
      });
    } catch (e) {
      if (i > 200) throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
