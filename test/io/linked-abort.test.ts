import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkedAbort } from '../../src/io/linked-abort.js';

describe('linkedAbort', () => {
  it('aborts with the reason of whichever source aborts', () => {
    const a = new AbortController();
    const b = new AbortController();
    const link = linkedAbort([a.signal, undefined, b.signal]);
    b.abort('why');
    expect(link.signal.aborted).toBe(true);
    expect(link.signal.reason).toBe('why');
  });

  it('starts aborted when a source already is', () => {
    expect(linkedAbort([AbortSignal.abort('early')]).signal.reason).toBe('early');
  });

  it('unlink() detaches it: no listener left, later aborts do not reach it', () => {
    const a = new AbortController();
    const link = linkedAbort([a.signal]);
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(1);
    link.unlink();
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(0);
    a.abort();
    expect(link.signal.aborted).toBe(false);
  });
});
