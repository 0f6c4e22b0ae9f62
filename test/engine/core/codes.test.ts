// Every engine status code has a message and hint in the shared table, and names stay unique.
import { describe, expect, it } from 'vitest';
import * as status from '../../../assembly/status';
import { knownCodes, describeCode } from '../../../src/errors/codes.js';

describe('engine codes', () => {
  const names = Object.keys(status).filter((k) => k.startsWith('E_'));
  it.each(names)('%s is described', (name) => {
    expect(knownCodes()).toContain(name);
    expect(describeCode(name).message.length).toBeGreaterThan(5);
  });
  it('numbers are unique', () => {
    const values = Object.values(status);
    expect(new Set(values).size).toBe(values.length);
  });
});
