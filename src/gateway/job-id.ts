// Public job ids are `AGENT~AGENTJOBID` (docs/contracts.md): any gateway copy finds the agent from the
// id alone, so no copy keeps job state. Ids are checked before they reach a URL sent to an agent.
import { VdiskError } from '../errors/vdisk-error.js';
import { AGENT_NAME } from './config.js';

/** Ids an agent hands out and volume ids in paths: no slashes, no `..`, nothing to escape. */
export const PLAIN_ID = /^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9._:@+-]{0,199}$/;

export function publicJobId(agent: string, id: string): string {
  return `${agent}~${id}`;
}

export function parseJobId(value: string): { agent: string; id: string } {
  const i = value.indexOf('~');
  const agent = value.slice(0, i);
  const id = value.slice(i + 1);
  if (i < 0 || !AGENT_NAME.test(agent) || !PLAIN_ID.test(id)) {
    throw new VdiskError('E_GATEWAY_BAD_ID', 'job ids look like AGENT~ID', { field: 'id' });
  }
  return { agent, id };
}

export function checkPlainId(value: string, field: string): string {
  if (!PLAIN_ID.test(value)) throw new VdiskError('E_GATEWAY_BAD_ID', undefined, { field });
  return value;
}
