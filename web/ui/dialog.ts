// Confirmations in a native <dialog> (modal: focus stays inside, Escape cancels). Each names the
// data at stake; `typeName` asks the person to type a name before the dangerous button works.
import { h } from '../dom.js';

export interface ConfirmOptions {
  title: string;
  /** What will happen, naming each file and its size. */
  body: (Node | string)[];
  confirm: string;
  danger?: boolean;
  /** The name to type (e.g. the source volume a move deletes). */
  typeName?: string;
}

let open: HTMLDialogElement | undefined;

/** The dialog on screen, for tests and devtools. */
export function openDialog(): HTMLDialogElement | undefined {
  return open;
}

export function confirmDialog(o: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const ok = h(
      'button',
      {
        type: 'submit',
        value: 'ok',
        id: 'dialog-confirm',
        class: `pf-v6-c-button ${o.danger ? 'pf-m-danger' : 'pf-m-primary'}`,
      },
      o.confirm,
    );
    const typed = o.typeName
      ? h('input', { id: 'dialog-type', type: 'text', autocomplete: 'off', spellcheck: 'false' })
      : undefined;
    if (typed) {
      ok.disabled = true;
      typed.addEventListener('input', () => {
        ok.disabled = typed.value.trim() !== o.typeName;
      });
    }
    const dlg = h(
      'dialog',
      {
        class: 'pf-v6-c-modal-box confirm',
        'aria-labelledby': 'dialog-title',
        'aria-describedby': 'dialog-body',
        id: 'confirm-dialog',
      },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: 'dialog-title', class: 'pf-v6-c-modal-box__title' }, o.title),
        h('div', { id: 'dialog-body', class: 'pf-v6-c-modal-box__body' }, ...o.body),
        typed
          ? h(
              'div',
              { class: 'field' },
              h('label', { for: 'dialog-type' }, 'Type ', h('strong', {}, o.typeName!), ' to confirm'),
              typed,
            )
          : null,
        h(
          'div',
          { class: 'pf-v6-c-modal-box__footer buttons' },
          ok,
          h(
            'button',
            { type: 'submit', value: 'cancel', id: 'dialog-cancel', class: 'pf-v6-c-button pf-m-link' },
            'Cancel',
          ),
        ),
      ),
    );
    dlg.addEventListener('close', () => {
      open = undefined;
      dlg.remove();
      resolve(dlg.returnValue === 'ok');
    });
    document.body.append(dlg);
    open = dlg;
    dlg.showModal();
    (typed ?? dlg.querySelector<HTMLButtonElement>('#dialog-cancel'))!.focus();
  });
}
