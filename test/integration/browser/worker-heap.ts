// The JS heap of the page's dedicated workers, read over CDP: the page's session auto-attaches to
// each worker target (non-flat mode) and asks it Runtime.getHeapUsage through Target.sendMessageToTarget.
import type { CDPSession, Page } from 'playwright-core';

export interface WorkerHeaps {
  /** Bytes of JS heap in use, all of the page's workers together. */
  used(): Promise<number>;
  close(): Promise<void>;
}

export async function watchWorkerHeaps(page: Page): Promise<WorkerHeaps> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const sessions = new Set<string>();
  const replies = new Map<number, (m: { result?: { usedSize?: number } }) => void>();
  let next = 1;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') sessions.add(e.sessionId);
  });
  cdp.on('Target.detachedFromTarget', (e) => {
    sessions.delete(e.sessionId);
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message) as { id: number; result?: { usedSize?: number } };
    replies.get(m.id)?.(m);
    replies.delete(m.id);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const ask = (sessionId: string) =>
    new Promise<number>((ok) => {
      const id = next++;
      replies.set(id, (m) => ok(m.result?.usedSize ?? 0));
      cdp
        .send('Target.sendMessageToTarget', {
          sessionId,
          message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }),
        })
        .catch(() => ok(0));
    });
  return {
    async used() {
      return (await Promise.all([...sessions].map(ask))).reduce((a, b) => a + b, 0);
    },
    close: () => cdp.detach(),
  };
}
