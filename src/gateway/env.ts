// The Hono environment of every route: what the auth middleware leaves for the handlers.
import type { Scope } from './config.js';

/** `caller`: the matching token's name, sent to agents as x-vdisk-caller. */
export type GatewayEnv = { Variables: { scope: Scope; caller: string } };
