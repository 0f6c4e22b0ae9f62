// Image data over HTTP in the style of ovirt-imageio: the file's bytes with Range (206), HEAD for
// the size, and the guest view's extents `{start, length, zero, hole}` read from metadata by the
// engine (nothing is scanned). Read-only; volumes are looked up by id and opened through safe-open.
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { VdiskError } from '../../errors/vdisk-error.js';
import { chainRuns, RUN } from '../../engine/read/block-status.js';
import type { Volume } from '../../plan/inventory.js';
import type { AgentContext } from '../context.js';
import { openInRoots } from '../verify/verify.js';
import type { AgentEnv } from './caller.js';
import { parseRange } from './range.js';

export interface ImageExtent {
  start: number;
  length: number;
  zero: boolean;
  hole: boolean;
}

/**
 * A volume the agent already knows: from its store, which every inventory call and every job's
 * inventory update keeps. An unknown id is a 404 at once, never a rescan (a caller could otherwise
 * make the agent walk every root per request); a file made since is known after the job that made
 * it or the next GET /v1/inventory.
 */
async function findVolume(ctx: AgentContext, id: string): Promise<Volume> {
  const v = ctx.store.data.volumes.find((x) => x.id === id);
  if (!v) throw new VdiskError('E_AGENT_UNKNOWN_VOLUME', `no volume '${id}'`, { field: 'id', value: id });
  ctx.roots.resolve(v.path);
  return v;
}

export function volumeRoutes(ctx: AgentContext): Hono<AgentEnv> {
  return new Hono<AgentEnv>()
    .get('/v1/volumes/:id/data', async (c) => {
      const v = await findVolume(ctx, c.req.param('id'));
      // The bytes come from the descriptor safe-open checked, never from the name again.
      const f = await ctx.files.open(v.path, 'read');
      let streaming = false;
      try {
        const size = f.stat.size;
        const base = { 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
        const range = parseRange(c.req.header('range'), size);
        if (range.kind === 'unsatisfiable')
          return new Response(null, { status: 416, headers: { ...base, 'content-range': `bytes */${size}` } });
        const [start, end] = range.kind === 'part' ? [range.start, range.end] : [0, size - 1];
        const headers: Record<string, string> = { ...base, 'content-length': String(Math.max(0, end - start + 1)) };
        if (range.kind === 'part') headers['content-range'] = `bytes ${start}-${end}/${size}`;
        const status = range.kind === 'part' ? 206 : 200;
        if (c.req.method === 'HEAD' || size === 0) return new Response(null, { status, headers });
        streaming = true; // the stream closes the descriptor when it ends or is cancelled
        return new Response(Readable.toWeb(f.handle.createReadStream({ start, end })) as ReadableStream<Uint8Array>, {
          status,
          headers,
        });
      } finally {
        if (!streaming) await f.handle.close();
      }
    })
    .get('/v1/volumes/:id/extents', async (c) => {
      const v = await findVolume(ctx, c.req.param('id'));
      const extents = await ctx.engine.use(async (e) => {
        const chain = await openInRoots(ctx, e, v.path, v.format);
        try {
          const out: ImageExtent[] = [];
          for await (const r of chainRuns(e, chain)) {
            const data = (r.flags & RUN.DATA) !== 0;
            const x = { start: r.start, length: r.length, zero: (r.flags & RUN.ZERO) !== 0 || !data, hole: !data };
            const last = out.at(-1);
            if (last && last.zero === x.zero && last.hole === x.hole && last.start + last.length === x.start)
              last.length += x.length;
            else out.push(x);
          }
          return out;
        } finally {
          await chain.close();
        }
      });
      return c.json(extents);
    });
}
