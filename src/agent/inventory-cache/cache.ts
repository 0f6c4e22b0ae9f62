// The agent's inventory, kept in memory. A caller gets the last build while it is younger than the
// TTL and nothing invalidated it (a job's inventory update does); otherwise a refresh runs, and every
// caller that arrives meanwhile shares it (single flight). `fresh()` waits for a refresh that starts
// after the call, for answers that must see every change made before it (a job's submission).
// A refresh is cheap when little changed: files whose key is the same are not opened (file-facts.ts).
// Each distinct content gets a generation (a digest of its JSON, the same across restarts) and
// is checked against InventorySchema once (volumes one by one by the builder, so one bad file is
// refused alone), then frozen and trusted by the planner (no parse per plan).
import { createHash } from 'node:crypto';
import { InventorySchema, type Inventory } from '../../plan/inventory.js';
import { trustInventory } from '../../plan/trusted-inventory.js';
import type { VmGraph } from '../vm/vm-graph.js';
import { FileFacts } from './file-facts.js';

export interface Refusal {
  path: string;
  code: string;
}
export interface BuiltInventory {
  inventory: Inventory;
  refused: Refusal[];
  graphs: Map<string, VmGraph>;
}
export interface CachedInventory extends BuiltInventory {
  /** Changes whenever the content changes (a digest of the parts of `body`). */
  generation: string;
  /** The inventory as JSON, as GET /v1/inventory sends it. */
  body: string;
  builtAt: number;
}

export const DEFAULT_INVENTORY_TTL_MS = 3_000;
/** At most one refresh forced past the cache (`Cache-Control: no-cache`) per this interval, whoever asks. */
export const DEFAULT_FORCE_MIN_MS = 1_000;

export class InventoryCache {
  /** What each file read as, keyed on its identity and change marks: kept across refreshes. */
  readonly files = new FileFacts();
  private current: CachedInventory | undefined;
  private builtFrom: Inventory | undefined;
  private volumes: { of?: Inventory['volumes']; json: string; digest: string } = { json: '', digest: '' };
  private running: Promise<CachedInventory> | undefined;
  private runningEpoch = -1;
  private next: Promise<CachedInventory> | undefined;
  private epoch = 0;
  private stale = true;
  private forcedAt = -Infinity;
  /** Refreshes started (tests check that concurrent callers share one). */
  refreshes = 0;

  constructor(
    private readonly build: () => Promise<BuiltInventory>,
    readonly ttlMs = DEFAULT_INVENTORY_TTL_MS,
    private readonly clock: () => number = Date.now,
    readonly forceMinMs = DEFAULT_FORCE_MIN_MS,
  ) {}

  /** The inventory no older than the TTL and than the last invalidate(). */
  get(): Promise<CachedInventory> {
    const c = this.current;
    if (c && !this.stale && this.clock() - c.builtAt < this.ttlMs) return Promise.resolve(c);
    if (this.running && (!this.stale || this.runningEpoch === this.epoch)) return this.running;
    return this.stale ? this.fresh() : this.start();
  }

  /** A refresh that starts after this call; callers meanwhile share it. */
  fresh(): Promise<CachedInventory> {
    if (this.next) return this.next;
    if (!this.running) return this.start();
    const next = this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    this.next = next;
    return next;
  }

  /**
   * A caller asks past the cache (`Cache-Control: no-cache`): a refresh that starts now, unless one
   * was forced less than forceMinMs ago; then the same as get(). Gateways ask so when a plan names
   * something they do not know, and any number of gateway copies may: a forced refresh re-stats
   * every file, so the agent bounds them itself (a job's changes still refresh via invalidate()).
   */
  forced(): Promise<CachedInventory> {
    const now = this.clock();
    if (now - this.forcedAt < this.forceMinMs) return this.get();
    this.forcedAt = now;
    return this.fresh();
  }

  /** Something changed that a stat cannot see (the store's records): the next get() refreshes. */
  invalidate(): void {
    this.epoch++;
    this.stale = true;
  }

  /** The last build, whatever its age (undefined before the first). */
  peek(): CachedInventory | undefined {
    return this.current;
  }

  private start(): Promise<CachedInventory> {
    const epoch = this.epoch;
    this.refreshes++;
    const p: Promise<CachedInventory> = this.build()
      .then((b) => this.accept(b, epoch))
      .finally(() => {
        if (this.running === p) this.running = undefined;
      });
    this.running = p;
    this.runningEpoch = epoch;
    return p;
  }

  private accept(b: BuiltInventory, epoch: number): CachedInventory {
    if (epoch === this.epoch) this.stale = false;
    const builtAt = this.clock();
    // The builder hands back the very same object when nothing changed: nothing to check or serialize.
    if (this.current && b.inventory === this.builtFrom) return this.keep(b, builtAt);
    this.builtFrom = b.inventory;
    // Volumes were checked one by one as they were built (an invalid one is refused, not fatal); the
    // rest is small. The volume list's JSON and digest are kept while the list is the same object, so
    // a change of a pool's free space alone costs no re-serialization of 10,000 volumes.
    const checked = InventorySchema.parse({ ...b.inventory, volumes: [] });
    if (b.inventory.volumes !== this.volumes.of) {
      const json = JSON.stringify(b.inventory.volumes);
      this.volumes = { of: b.inventory.volumes, json, digest: sha256(json) };
    }
    const [hosts, pools, vms, snapshots] = [checked.hosts, checked.pools, checked.vms, checked.snapshots].map((x) =>
      JSON.stringify(x),
    );
    const generation = sha256(`${sha256(`${hosts}\n${pools}\n${vms}\n${snapshots}`)}:${this.volumes.digest}`).slice(
      0,
      24,
    );
    if (this.current && generation === this.current.generation) return this.keep(b, builtAt);
    const body = `{"hosts":${hosts},"pools":${pools},"volumes":${this.volumes.json},"vms":${vms},"snapshots":${snapshots}}`;
    const inventory = trustInventory({ ...checked, volumes: b.inventory.volumes });
    this.current = { inventory, refused: b.refused, graphs: b.graphs, generation, body, builtAt };
    return this.current;
  }

  /** The same content as the current one: kept (same object, same generation), its age reset. */
  private keep(b: BuiltInventory, builtAt: number): CachedInventory {
    this.current = { ...this.current!, refused: b.refused, graphs: b.graphs, builtAt };
    return this.current;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
