// Every stable error code in vdisk, with what it means and what to do. Each area keeps its own
// table (engine, plan, agent, gateway, console) so they grow independently; this file joins them.
import { ENGINE_CODES } from './codes-engine.js';
import { PLAN_CODES } from './codes-plan.js';
import { QMP_CODES } from './codes-qmp.js';
import { AUTH_CODES } from './codes-auth.js';
import { AGENT_CODES } from './codes-agent.js';
import { WRITE_CODES } from './codes-write.js';
import { GATEWAY_CODES } from './codes-gateway.js';
import { CONSOLE_CODES } from './codes-console.js';

export interface CodeInfo {
  message: string;
  hint?: string;
  /** HTTP status when the error crosses the gateway or an agent. */
  http: number;
}

const ALL = {
  ...ENGINE_CODES,
  ...PLAN_CODES,
  ...QMP_CODES,
  ...AUTH_CODES,
  ...AGENT_CODES,
  ...GATEWAY_CODES,
  ...WRITE_CODES,
  ...CONSOLE_CODES,
} satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ALL | (string & {});

export function describeCode(code: string): CodeInfo {
  return (ALL as Record<string, CodeInfo>)[code] ?? { message: code, http: 500 };
}

export function knownCodes(): string[] {
  return Object.keys(ALL);
}
