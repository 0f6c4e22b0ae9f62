// GET /v1/inventory from the agent's cache, with cheap revalidation: the answer carries
// `ETag: "<generation>"` (it changes whenever the inventory's content does), and a request whose
// If-None-Match names the current generation gets 304 Not Modified with no body. The body is the
// cached JSON text, serialized once per generation.
import { Hono } from 'hono';
import type { AgentContext } from '../context.js';
import { cachedInventory } from '../storage/inventory.js';
import type { AgentEnv } from './caller.js';

/** True when an If-None-Match value (`*`, or a list of strong or weak tags) matches `etag`. */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

export function inventoryRoutes(ctx: AgentContext): Hono<AgentEnv> {
  return new Hono<AgentEnv>().get('/v1/inventory', async (c) => {
    // `Cache-Control: no-cache` (a gateway whose plan named something unknown): a refresh that starts
    // now, shared with any other caller (single flight), instead of the cached build; at most one per
    // interval (InventoryCache.forced), so callers cannot keep the agent re-stat'ing its roots.
    const pastCache = /(^|,)\s*no-cache\s*(,|$)/i.test(c.req.header('cache-control') ?? '');
    const inv = await (pastCache ? ctx.inventory.forced() : cachedInventory(ctx));
    const etag = `"${inv.generation}"`;
    const headers = { etag, 'cache-control': 'no-cache' };
    if (noneMatch(c.req.header('if-none-match'), etag)) return new Response(null, { status: 304, headers });
    return new Response(inv.body, { status: 200, headers: { ...headers, 'content-type': 'application/json' } });
  });
}
