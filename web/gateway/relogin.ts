// A session that ends mid-use (401 E_AUTH_SESSION_EXPIRED) asks to log in again in a dialog, over
// whatever view is open: paste a fresh login link from `vdisk start` (or a token); the console then
// reconnects and the view stays where it was.
import { h } from '../dom.js';
import { errorBox, showError } from '../errors.js';
import { loginTokenOf, redeemLogin } from '../login.js';
import type { VdiskError } from '../../src/errors/vdisk-error.js';

let asking = false;

export function askLoginAgain(why: VdiskError, reconnect: (token: string) => Promise<void>): void {
  if (asking) return;
  asking = true;
  const input = h('input', { id: 'relogin-link', type: 'password', autocomplete: 'off', required: true });
  const errors = errorBox('relogin-error');
  const dlg = h(
    'dialog',
    { id: 'relogin-dialog', class: 'pf-v6-c-modal-box', 'aria-labelledby': 'relogin-title' },
    h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'relogin-title', class: 'pf-v6-c-modal-box__title' }, 'Log in again'),
      h(
        'p',
        {},
        `The gateway ended this session (${why.code}). Paste a new login link (run `,
        h('code', {}, 'vdisk start'),
        ' or ask for one) or a token. This page stays as it is.',
      ),
      errors,
      h('div', { class: 'field' }, h('label', { for: 'relogin-link' }, 'Login link or token'), input),
      h(
        'div',
        { class: 'buttons' },
        h(
          'button',
          { type: 'submit', value: 'ok', id: 'relogin-submit', class: 'pf-v6-c-button pf-m-primary' },
          'Log in',
        ),
        h(
          'button',
          { type: 'submit', value: 'cancel', formnovalidate: true, class: 'pf-v6-c-button pf-m-link' },
          'Not now',
        ),
      ),
    ),
  );
  dlg.addEventListener('submit', async (e) => {
    if ((e as SubmitEvent).submitter?.getAttribute('value') !== 'ok') return;
    e.preventDefault();
    try {
      const link = loginTokenOf(input.value);
      await reconnect(link ? await redeemLogin(link) : input.value.trim());
      dlg.close();
    } catch (err) {
      showError(errors, err);
    }
  });
  dlg.addEventListener('close', () => {
    asking = false;
    dlg.remove();
  });
  document.body.append(dlg);
  dlg.showModal();
  input.focus();
}
