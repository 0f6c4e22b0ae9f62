// The human-readable form of a plan: what it does, what must hold before and after, and each step
// with its dependencies, phase and compensation.
import type { ActionCall } from './actions.js';
import type { Condition } from './conditions.js';
import type { Plan } from './plan-schema.js';

export function renderPlanText(plan: Plan): string {
  const total = plan.steps.reduce((n, s) => n + s.weight, 0) || 1;
  const lines = [
    `plan ${plan.id} (v${plan.version}) — ${plan.kind}${plan.live ? ', live' : ''} on host ${plan.host}`,
    `  ${plan.summary}`,
    '',
    'before:',
    ...plan.preconditions.map((c) => `  - ${renderCondition(c)}`),
    '',
    'steps:',
  ];
  for (const s of plan.steps) {
    const deps = s.after.length ? ` after ${s.after.join(',')}` : '';
    const share = Math.round((s.weight / total) * 1000) / 10;
    lines.push(`  ${s.id.padEnd(4)} [${s.phase}${s.unit !== 'all' ? ` ${s.unit}` : ''}] ${s.label}${deps} (${share}%)`);
    lines.push(`       ${renderCall(s)}`);
    for (const u of s.undo) lines.push(`       undo: ${renderCall(u)}`);
  }
  if (!plan.steps.length) lines.push('  (nothing to do)');
  lines.push('', 'after:', ...plan.postconditions.map((c) => `  - ${renderCondition(c)}`));
  lines.push('', `on partial failure: ${plan.retry}`);
  return lines.join('\n') + '\n';
}

export function renderCall(c: ActionCall): string {
  const args = Object.entries(c.params as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return `${c.action} ${args.join(' ')}`;
}

function renderCondition(c: Condition): string {
  switch (c.check) {
    case 'volume-state':
      return `volume ${c.volume} is ${c.state}`;
    case 'file-exists':
      return `${c.path} exists`;
    case 'file-absent':
      return `${c.path} does not exist`;
    case 'pool-free':
      return `pool ${c.pool} has ${c.bytes} bytes free`;
    case 'vm-running':
      return `VM ${c.vm} is ${c.running ? 'running' : 'shut off'}`;
    case 'disk-volume':
      return `VM ${c.vm} disk ${c.disk} is volume ${c.volume}`;
    case 'volume-path':
      return `volume ${c.volume} lives at ${c.path}`;
    case 'no-volume':
      return `volume ${c.volume} is gone`;
  }
}
