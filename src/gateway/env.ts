// The Hono environment of every route: what the middleware leaves for the handlers.
import type { Scope } from './config.js';

/** `caller`: the matching token's name, sent to agents as x-vdisk-caller; `requestId`: see middleware/request-id.ts. */
export type GatewayEnv = { Variables: { scope: Scope; caller: string; requestId: string } };
