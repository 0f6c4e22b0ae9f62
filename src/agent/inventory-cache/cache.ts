// The agent's inventory, kept in memory. A caller gets the last build while it is younger than the
// TTL and nothing invalidated it (a job's inventory update does); otherwise a refresh runs, and every
// caller that arrives meanwhile shares it (single flight). `fresh()` waits for a refresh that starts
// after the call, for answers that must see every change made before it (a job's submission).
// A refresh is cheap when little changed: files whose key is the same are not opened (file-facts.ts).
// Each distinct content gets a generation (a digest of the JSON body, the same across restarts) and
// is checked against InventorySchema once (volumes one by one by the builder, so one bad file is
// refused alone), then frozen and trusted by the planner (no parse per plan).
import { createHash } from 'node:crypto';
import { InventorySchema, type Inventory } from '../../plan/inventory.js';
import { trustInventory } from '../../plan/trusted-inventory.js';
import type { VmGraph } from '../vm-graph.js';
import { FileFacts } from './file-facts.js';

export interface Refusal { path: string; code: string }
export interface BuiltInventory { inventory: Inventory; refused: Refusal[]; graphs: Map<string, VmGraph> }
export interface CachedInventory extends BuiltInventory {
  /** Changes whenever the content changes (a digest of `body`). */
  generation: string;
  /** The inventory as JSON, as GET /v1/inventory sends it. */
  body: string;
  builtAt: number;
}

export const DEFAULT_INVENTORY_TTL_MS = 3_000;

export class InventoryCache {
  /** What each file read as, keyed on its identity and change marks: kept across refreshes. */
  readonly files = new FileFacts();
  private current: CachedInventory | undefined;
  private raw = '';
  private rawOf: Inventory | undefined;
  private running: Promise<CachedInventory> | undefined;
  private runningEpoch = -1;
  private next: Promise<CachedInventory> | undefined;
  private epoch = 0;
  private stale = true;
  /** Refreshes started (tests check that concurrent callers share one). */
  refreshes = 0;

  constructor(private readonly build: () => Promise<BuiltInventory>, readonly ttlMs = DEFAULT_INVENTORY_TTL_MS, private readonly clock: () => number = Date.now) {}

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
    const next = this.running.catch(() => undefined).then(() => {
      this.next = undefined;
      return this.start();
    });
    this.next = next;
    return next;
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
    const p: Promise<CachedInventory> = this.build().then((b) => this.accept(b, epoch)).finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    this.runningEpoch = epoch;
    return p;
  }

  private accept(b: BuiltInventory, epoch: number): CachedInventory {
    if (epoch === this.epoch) this.stale = false;
    const builtAt = this.clock();
    // The builder hands back the very same object when nothing changed: no need to serialize it.
    const raw = b.inventory === this.rawOf ? this.raw : JSON.stringify(b.inventory);
    this.rawOf = b.inventory;
    if (this.current && raw === this.raw) {
      this.current = { ...this.current, refused: b.refused, graphs: b.graphs, builtAt };
      return this.current;
    }
    // Volumes were checked one by one as they were built (an invalid one is refused, not fatal).
    const inventory = trustInventory({ ...InventorySchema.parse({ ...b.inventory, volumes: [] }), volumes: b.inventory.volumes });
    const body = JSON.stringify(inventory);
    const generation = createHash('sha256').update(body).digest('hex').slice(0, 24);
    this.raw = raw;
    this.current = { inventory, refused: b.refused, graphs: b.graphs, generation, body, builtAt };
    return this.current;
  }
}
