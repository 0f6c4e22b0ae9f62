// Re-rendering replaces a view's elements; the element a keyboard user had focused goes with them and
// focus falls back to <body>, so the next Tab starts again from the top of the page. `keepFocus`
// notes what has focus inside `root` before `render` and focuses the same element of the new content
// afterwards: found by id, else by what it is (tag, link target, label and text; the nth of its kind
// when several match). When it is gone, `fallback` (the view's heading) gets focus instead. Focus
// outside `root` is left alone.

/** What an element is, as far as a person can tell: the same key after a re-render means the same control. */
function identity(el: Element): string {
  if (el.id) return `#${el.id}`;
  const attr = (n: string) => el.getAttribute(n) ?? '';
  return [el.tagName, attr('href'), attr('aria-label'), attr('name'), (el.textContent ?? '').trim()].join('\u0000');
}

function candidates(root: HTMLElement, key: string): Element[] {
  if (key.startsWith('#')) {
    const el = root.querySelector(`#${CSS.escape(key.slice(1))}`);
    return el ? [el] : [];
  }
  const tag = key.slice(0, key.indexOf('\u0000'));
  return [...root.querySelectorAll(tag)].filter((e) => !e.id && identity(e) === key);
}

export function keepFocus(root: HTMLElement, render: () => void, fallback?: () => HTMLElement | null): void {
  const active = document.activeElement;
  if (!active || active === document.body || !root.contains(active)) {
    render();
    return;
  }
  const key = identity(active);
  const nth = candidates(root, key).indexOf(active);
  render();
  if (root.contains(document.activeElement) && document.activeElement !== document.body) return;
  const same = candidates(root, key);
  const target = (same[Math.max(nth, 0)] ?? same[0] ?? fallback?.()) as HTMLElement | null | undefined;
  target?.focus({ preventScroll: true });
}
