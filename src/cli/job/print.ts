// Human output of `vdisk job`: one line per job (id, state, progress, step, who started it), and the
// error and orphans of a job that has them.
interface JobLine {
  id: string;
  state: string;
  progress?: number;
  step?: string;
  kind?: string;
  startedBy?: string;
  error?: { code: string; message: string };
  report?: { orphans?: { path?: string; reason: string }[] };
}

const pct = (p?: number) => `${Math.round((p ?? 0) * 100)}%`.padStart(4);

export function printJob(x: unknown): string {
  const j = x as JobLine;
  const lines = [
    `${j.id}  ${j.state}  ${pct(j.progress)}  ${j.kind ?? ''}${j.step ? `  step ${j.step}` : ''}${j.startedBy ? `  by ${j.startedBy}` : ''}`,
  ];
  if (j.error) lines.push(`  error ${j.error.code}: ${j.error.message}`);
  for (const o of j.report?.orphans ?? [])
    lines.push(`  orphan ${o.path ?? '(no file)'}: ${o.reason} (vdisk job retry ${j.id})`);
  return `${lines.join('\n')}\n`;
}

export function printJobs(page: unknown): string {
  const p = page as { jobs: JobLine[]; agents?: { name: string; up: boolean }[] };
  const down = (p.agents ?? []).filter((a) => !a.up).map((a) => a.name);
  return p.jobs.map(printJob).join('') + (down.length ? `agents down: ${down.join(', ')}\n` : '');
}
