// The same gateway checks, with the app bundled for workerd (--platform=neutral) and served by
// `workerd serve` as `npm run edge` does: secrets as bindings, outbound network allowed to loopback.
import { describe } from 'vitest';
import { requireTool } from '../helpers/tools.js';
import { eventChecks } from '../gateway/checks/events.js';
import { openapiChecks } from '../gateway/checks/openapi.js';
import { routeChecks } from '../gateway/checks/routes.js';
import { securityChecks } from '../gateway/checks/security.js';

requireTool('workerd');

describe('gateway under workerd', { timeout: 60_000 }, () => {
  routeChecks({ edge: true });
  eventChecks({ edge: true });
  securityChecks({ edge: true });
  openapiChecks({ edge: true });
});
