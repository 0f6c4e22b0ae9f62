// Each agent's inventory as this gateway copy last saw it: validated with zod once per body fetched,
// reused for config.inventoryTtlMs, then revalidated with If-None-Match when the agent gave an ETag
// (a 304 keeps the parsed copy). One refresh per agent at a time: a burst of previews shares it.
// A cache, never a source of truth: a job is still sent to its agent, which plans again from its own
// facts and answers E_PLAN_STALE when they moved.
import { InventorySchema, type Inventory } from '../plan/inventory.js';
import type { AgentCall } from './agent-client.js';
import type { AgentConfig } from './config.js';
import type { GatewayDeps } from './deps.js';
import { askOne, type AgentError } from './fan-out.js';

export interface Snapshot {
  agent: AgentConfig;
  up: boolean;
  /** When the agent last answered (or failed): its age is measured from here. */
  at: number;
  /** Changes whenever the content does (a 304 keeps it), so the join is rebuilt only then. */
  version: number;
  etag?: string;
  inventory?: Inventory;
  hosts: string[];
  /** The last refresh failed: down when `up` is false, else its last good inventory is still served. */
  error?: AgentError;
}

const withoutError = ({ error: _e, ...s }: Snapshot): Snapshot => s;

export type Who = Pick<AgentCall, 'caller' | 'requestId'> & {
  /** Keeps a background refresh alive past the answer (workerd's ctx.waitUntil); Node needs none. */
  waitUntil?: (p: Promise<unknown>) => void;
};

const FORCE_MIN_MS = 1000;
const ETAG = /^(W\/)?"[\x21\x23-\x7e]{0,200}"$/;

export class InventoryCache {
  private readonly snaps = new Map<string, Snapshot>();
  private readonly pending = new Map<string, Promise<Snapshot>>();
  private readonly forcedAt = new Map<string, number>();
  private version = 0;

  constructor(
    private readonly deps: GatewayDeps,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Every configured agent's snapshot, refreshing those older than the TTL. */
  all(who: Who): Promise<Snapshot[]> {
    return Promise.all(this.deps.agents().map((a) => this.snapshot(a, who)));
  }

  /**
   * The agent's facts are about to change (this copy sent it a job, or relayed a job's end): its next
   * use revalidates (a 304 when nothing changed), so a preview after a job sees what the job did.
   */
  invalidate(agent: string): void {
    const s = this.snaps.get(agent);
    if (s) this.snaps.set(agent, { ...s, at: -Infinity });
  }

  /**
   * A plan named something the cached inventories lack (a disk made a second ago): every agent is
   * asked again past both caches (`Cache-Control: no-cache` makes the agent re-stat its roots), at
   * most once per agent per second, so unknown names cannot keep agents scanning.
   */
  async refreshPastCaches(who: Who): Promise<void> {
    const now = this.clock();
    const due = this.deps.agents().filter((a) => now - (this.forcedAt.get(a.name) ?? -Infinity) >= FORCE_MIN_MS);
    for (const a of due) this.forcedAt.set(a.name, now);
    await Promise.all(
      due.map((a) => this.refresh(a, this.snaps.get(a.name), { caller: who.caller, requestId: who.requestId }, true)),
    );
  }

  /** What is cached now, without asking anyone (metrics). */
  peek(): Snapshot[] {
    return [...this.snaps.values()];
  }

  /**
   * Fresh (younger than the TTL): as is. Stale but within inventoryStaleMs more: as is, while one
   * refresh runs in the background, so no preview waits for a slow or hung agent twice. Older, never
   * fetched, or invalidated: the caller waits for the refresh (bounded by the fan-out deadline).
   */
  private snapshot(agent: AgentConfig, who: Who): Promise<Snapshot> {
    const s = this.snaps.get(agent.name);
    const age = s ? this.clock() - s.at : Infinity;
    const { inventoryTtlMs: ttl, inventoryStaleMs: stale } = this.deps.config;
    if (s && age < ttl) return Promise.resolve(s);
    const p = this.refreshing(agent, s, who);
    if (s && age < ttl + stale) {
      who.waitUntil?.(p);
      return Promise.resolve(s);
    }
    return p;
  }

  private refreshing(agent: AgentConfig, s: Snapshot | undefined, who: Who): Promise<Snapshot> {
    let p = this.pending.get(agent.name);
    if (!p) {
      const { caller, requestId } = who;
      p = this.refresh(agent, s, { caller, requestId }).finally(() => this.pending.delete(agent.name));
      this.pending.set(agent.name, p);
    }
    return p;
  }

  private async refresh(
    agent: AgentConfig,
    prev: Snapshot | undefined,
    who: Who,
    pastCache = false,
  ): Promise<Snapshot> {
    const etag = prev?.up ? prev.etag : undefined;
    const headers = { ...(etag && { 'if-none-match': etag }), ...(pastCache && { 'cache-control': 'no-cache' }) };
    const a = await askOne<unknown>(this.deps, agent, {
      method: 'GET',
      path: '/v1/inventory',
      ...who,
      ...(Object.keys(headers).length > 0 && { headers }),
    });
    const at = this.clock();
    const down = (error: AgentError): Snapshot => ({ agent, up: false, at, version: ++this.version, hosts: [], error });
    let next: Snapshot;
    if (!a.up) next = down(a.error);
    else if (a.status === 304)
      next =
        etag && prev
          ? { ...withoutError(prev), at }
          : down({
              code: 'E_GATEWAY_AGENT_BAD_REPLY',
              detail: `agent ${agent.name} answered 304 to an unconditional call`,
            });
    else {
      const parsed = InventorySchema.safeParse(a.json);
      if (!parsed.success) {
        const where = parsed.error.issues[0]!.path.join('.');
        next = down({ code: 'E_GATEWAY_AGENT_BAD_REPLY', detail: `inventory does not match the schema at ${where}` });
      } else {
        const inv = parsed.data;
        // An agent that names no host still serves the VMs and pools it lists.
        const hosts = new Set([
          ...inv.hosts.map((h) => h.id),
          ...inv.pools.map((p) => p.host),
          ...inv.vms.map((v) => v.host),
        ]);
        const tag = a.headers.get('etag');
        next = {
          agent,
          up: true,
          at,
          version: ++this.version,
          inventory: inv,
          hosts: [...hosts],
          ...(tag && ETAG.test(tag) && { etag: tag }),
        };
      }
    }
    // Stale if error: an agent that answered within TTL + inventoryStaleMs and now misses one deadline
    // (a slow scan, a gateway busy enough that its timer fires late) keeps its last good inventory, with
    // the failure noted and its age growing; only past that window is it marked down.
    if (
      !next.up &&
      prev?.up &&
      prev.inventory &&
      at - prev.at < this.deps.config.inventoryTtlMs + this.deps.config.inventoryStaleMs
    )
      next = { ...prev, error: next.error };
    this.snaps.set(agent.name, next);
    return next;
  }
}
