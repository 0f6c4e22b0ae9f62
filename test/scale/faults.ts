// Kill points: each fault (a gateway copy, or an agent, killed and started again) fires at the k-th
// step-start event the readers see (of that agent's jobs, for an agent), k drawn from the seeded
// PRNG. Faults run one at a time; each is recorded with the job step it landed on.
import type { AgentProc } from './agent-proc.js';
import type { Gateway } from './gateways.js';
import { sleep } from './http.js';
import type { SeenEvent } from './reader.js';
import type { Rng } from './rng.js';

export interface Fault {
  target: string;
  at: number;
  fired?: { job: string; call: string; action: string; atMs: number; downMs: number; error?: string };
}

export class Faults {
  readonly list: Fault[] = [];
  private readonly counts = new Map<string, number>();
  private chain = Promise.resolve();
  private readonly t0 = Date.now();

  constructor(
    private readonly agents: AgentProc[],
    private readonly gws: Gateway[],
    rng: Rng,
    window: number,
  ) {
    for (const g of gws) this.list.push({ target: `gateway:${g.name}`, at: rng.int(1, window) });
    for (const a of agents) this.list.push({ target: `agent:${a.spec.name}`, at: rng.int(2, window) });
  }

  /** A reader saw a step start on `agent`'s job. */
  onStepStart(agent: string, e: SeenEvent, job: string): void {
    const all = (this.counts.get('*') ?? 0) + 1;
    const mine = (this.counts.get(agent) ?? 0) + 1;
    this.counts.set('*', all);
    this.counts.set(agent, mine);
    for (const f of this.list) {
      if (f.fired) continue;
      const hit = f.target.startsWith('gateway:') ? all === f.at : f.target === `agent:${agent}` && mine === f.at;
      if (!hit) continue;
      const data = JSON.parse(e.data) as { call?: string; action?: string };
      f.fired = { job, call: data.call ?? '?', action: data.action ?? '?', atMs: Date.now() - this.t0, downMs: 0 };
      this.chain = this.chain.then(() => this.fire(f));
    }
  }

  private async fire(f: Fault): Promise<void> {
    const t = Date.now();
    try {
      if (f.target.startsWith('agent:')) {
        const a = this.agents.find((x) => `agent:${x.spec.name}` === f.target)!;
        await a.kill();
        await sleep(300);
        await a.start();
        a.restarts++;
      } else {
        const g = this.gws.find((x) => `gateway:${x.name}` === f.target)!;
        await g.kill();
        await sleep(500);
        await g.start();
        g.restarts++;
      }
    } catch (e) {
      f.fired!.error = String((e as Error).message ?? e).slice(0, 500);
    }
    f.fired!.downMs = Date.now() - t;
  }

  /** Waits for every fault that fired to be over (restarted). */
  settled(): Promise<void> {
    return this.chain;
  }

  describe(): string[] {
    return this.list.map(
      (f) =>
        `${f.target} at step-start #${f.at}: ${f.fired ? `job ${f.fired.job} ${f.fired.call} (${f.fired.action}) at ${(f.fired.atMs / 1000).toFixed(1)} s, back after ${f.fired.downMs} ms${f.fired.error ? `, restart FAILED: ${f.fired.error}` : ''}` : 'never reached'}`,
    );
  }
}
