// The Hono environment of every route: what the auth middleware leaves for the handlers.
import type { Scope } from './config.js';

export type GatewayEnv = { Variables: { scope: Scope } };
