// Errors as the console shows them: the stable code, the message, where, and what to do.
import { h, fill } from './dom.js';
import { isVdiskError, VdiskError } from '../src/errors/vdisk-error.js';
import { describeCode } from '../src/errors/codes.js';

export function asVdiskError(e: unknown): VdiskError {
  if (isVdiskError(e)) return e;
  const any = e as { code?: string; message?: string; name?: string } | undefined;
  if (any?.name === 'AbortError') return new VdiskError('E_CANCELLED', 'the operation was cancelled');
  if (typeof any?.code === 'string' && any.code.startsWith('E_')) return new VdiskError(any.code, any.message);
  return new VdiskError('E_INTERNAL', any?.message ?? String(e), {
    hint: 'this is a bug in vdisk; please report it with the steps that led here',
  });
}

/** Shows `e` in `box` (a role=alert region). */
export function showError(box: HTMLElement, e: unknown): void {
  const err = asVdiskError(e);
  const hint = err.detail.hint ?? describeCode(err.code).hint;
  const where = [
    err.detail.path,
    err.detail.field && `field ${err.detail.field}`,
    err.detail.offset !== undefined && `offset 0x${Number(err.detail.offset).toString(16)}`,
  ]
    .filter(Boolean)
    .join(', ');
  box.hidden = false;
  fill(
    box,
    h('p', {}, h('strong', {}, h('code', { class: 'code' }, err.code)), ' ', err.message),
    where ? h('p', { class: 'where' }, where) : null,
    hint ? h('p', { class: 'hint' }, h('span', { class: 'label' }, 'What to do: '), hint) : null,
  );
}

export function clearError(box: HTMLElement): void {
  box.hidden = true;
  box.replaceChildren();
}

export function errorBox(id: string): HTMLElement {
  return h('div', { id, class: 'error pf-v6-c-alert pf-m-danger pf-m-inline', role: 'alert', hidden: true });
}
