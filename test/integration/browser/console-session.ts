// The shared life of a console browser test: a demo chain, the console served on 127.0.0.1 and a
// headless Chromium, set up before the file's tests and torn down after them.
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, type Chromium } from './browser.js';
import { makeChain, type ChainFixture } from './fixtures.js';
import { serveConsole } from './console-site.js';
import type { Listening } from '../../../src/start/listen.js';

export interface ConsoleSession {
  fx: ChainFixture;
  site: Listening;
  b: Chromium;
}

/** Registers the hooks; the returned object is filled in before the first test runs. */
export function useConsoleSession(
  siteOptions?: (fx: ChainFixture) => Parameters<typeof serveConsole>[0],
): ConsoleSession {
  const s = {} as ConsoleSession;
  beforeAll(async () => {
    s.fx = makeChain();
    s.site = await serveConsole(siteOptions?.(s.fx));
    s.b = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await s.b?.close();
    await s.site?.close();
    s.fx?.remove();
  });
  return s;
}
