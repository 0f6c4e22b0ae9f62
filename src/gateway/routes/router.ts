// Every route group is an OpenAPIHono with the same validation hook, so a failed check always
// answers the same problem+json shape.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { GatewayEnv } from '../env.js';
import { validationHook } from '../middleware/validation-hook.js';

export const router = () => new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook });

export const BEARER = [{ bearer: [] as string[] }];
