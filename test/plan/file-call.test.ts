// The file calls' list (src/plan/file-call.ts) is exactly the actions the traits table puts on the
// 'file' layer: an action added there reaches both the agent's file steps and the simulator.
import { describe, expect, it } from 'vitest';
import { ACTION_TRAITS } from '../../src/plan/action-traits.js';
import { FILE_ACTIONS } from '../../src/plan/file-call.js';

describe('file calls', () => {
  it("are the actions whose layer is 'file', no more, no fewer", () => {
    const file = Object.entries(ACTION_TRAITS)
      .filter(([, t]) => t.layer === 'file')
      .map(([a]) => a);
    expect([...FILE_ACTIONS].sort()).toEqual(file.sort());
  });
});
