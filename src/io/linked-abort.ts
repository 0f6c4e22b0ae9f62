// An AbortController that follows other signals and can be detached again. AbortSignal.any() would do,
// but composites made per request from a long-lived signal pile up in it on Node (nodejs/node#55351,
// #64476); a listener removed in `finally` cannot leak.

export interface LinkedAbort {
  controller: AbortController;
  signal: AbortSignal;
  /** Stop following the sources; call when the work this guards is over. */
  unlink(): void;
}

export function linkedAbort(sources: ReadonlyArray<AbortSignal | undefined>): LinkedAbort {
  const controller = new AbortController();
  const live = sources.filter((s): s is AbortSignal => s !== undefined);
  const follow = (s: AbortSignal) => () => controller.abort(s.reason);
  const listeners = live.map((s) => [s, follow(s)] as const);
  for (const [s, fn] of listeners) {
    if (s.aborted) controller.abort(s.reason);
    else s.addEventListener('abort', fn, { once: true });
  }
  return {
    controller,
    signal: controller.signal,
    unlink: () => listeners.forEach(([s, fn]) => s.removeEventListener('abort', fn)),
  };
}
