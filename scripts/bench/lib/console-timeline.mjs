// Where the time of one console map goes, from the marks the page and the worker keep (worker/marks.ts,
// ms since the epoch, so both sides share one time line) and the worker's read counters.
const ms = (a, b) => (a !== undefined && b !== undefined ? Math.round(b - a) : undefined);

/** The page's marks, and the worker's stats (marks, planned and Blob reads) after the map was drawn. */
export function readTimeline(page) {
  return page.evaluate(async () => {
    const app = window.vdiskConsole;
    return { page: { ...app.marks }, stats: await app.bridge.stats() };
  });
}

/** Intervals in ms: picked → drawn and its steps. */
export function intervals({ page: p, stats }) {
  const w = stats.marks;
  return {
    total: ms(p.picked ?? p['open-call'], p.drawn),
    // Negative: the worker was ready (pre-warmed) that long before the file was picked.
    workerReadyAfterPick: ms(p.picked ?? p['open-call'], p['worker-ready']),
    workerStart: ms(p['worker-start'], p['worker-ready']),
    wasm: ms(w.init, w['wasm-ready']),
    open: ms(p['open-call'], p.opened),
    map: ms(p['map-call'], p.drawn),
    toWorker: ms(p['map-call'], w['map-start']),
    walk: ms(w['map-start'], w['map-done']),
    readWait: Math.round(stats.planned.waitMs),
    back: ms(w['map-done'], p['map-received']),
    draw: ms(p['map-received'], p.drawn),
  };
}

export function describe(t, stats) {
  const mib = (stats.planned.readBytes / 2 ** 20).toFixed(0);
  return (
    `picked→drawn ${t.total} ms: worker ready ${t.workerReadyAfterPick <= 0 ? `${-t.workerReadyAfterPick} ms before the pick` : `${t.workerReadyAfterPick} ms after it`} (started in ${t.workerStart}, Wasm ${t.wasm}), ` +
    `open ${t.open}, map ${t.map} = to worker ${t.toWorker} + walk ${t.walk} (waited ${t.readWait} on ${stats.planned.reads} span reads of ${mib} MiB; L2 scan ${Math.round(stats.planned.scanMs)}, engine ${Math.round(stats.planned.engineMs)}) + back ${t.back} + draw ${t.draw}`
  );
}
