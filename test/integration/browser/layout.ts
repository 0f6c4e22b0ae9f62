// The layout check: at the page's viewport, every visible focusable or text element is scrolled into
// view (its bottom edge, where a sticky footer would lie) and `document.elementFromPoint` at the
// centre of each of its boxes (one per line for wrapped inline text) must return the element or one
// inside it; anything else means another element covers it.
import type { Page } from 'playwright-core';

export interface Covered {
  element: string;
  covered_by: string;
}

export function coveredElements(page: Page): Promise<Covered[]> {
  return page.evaluate(() => {
    const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const describe = (e: Element | null) =>
      e
        ? `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : ''} "${(e.textContent ?? '').trim().slice(0, 40)}"`
        : 'nothing';
    const ownText = (e: Element) =>
      [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
    const out: { element: string; covered_by: string }[] = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('.skip, .visually-hidden, option, script, style, dialog, head')) continue;
      if (!(el.matches(FOCUSABLE) || ownText(el))) continue;
      const r0 = el.getBoundingClientRect();
      if (r0.width <= 1 || r0.height <= 1 || !(el as HTMLElement).checkVisibility?.({ visibilityProperty: true }))
        continue;
      el.scrollIntoView({ block: 'end', inline: 'nearest' });
      // Each box of the element (an inline element that wraps has one per line), at its centre.
      for (const r of [...el.getClientRects()].filter((b) => b.width > 1 && b.height > 1)) {
        const x = r.left + r.width / 2,
          y = r.top + Math.min(r.height / 2, (innerHeight - r.top) / 2);
        const hit = document.elementFromPoint(x, y);
        if (!hit || !(hit === el || el.contains(hit))) {
          out.push({ element: describe(el), covered_by: describe(hit) });
          break;
        }
      }
    }
    return out;
  });
}

/**
 * Table headers cut short: every visible `th`, and every element inside one, whose content is wider
 * than its box (scrollWidth > clientWidth: an ellipsis, clipped or spilling text). Inline elements
 * have no box of their own (clientWidth 0) and are measured through their block parent.
 */
export function truncatedHeaders(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const th of document.querySelectorAll('th')) {
      if (!th.checkVisibility?.({ visibilityProperty: true })) continue;
      for (const el of [th, ...th.querySelectorAll('*')]) {
        if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth)
          out.push(
            `${th.closest('table')?.id || 'table'} "${(th.textContent ?? '').trim()}": ${el.tagName.toLowerCase()} ${el.scrollWidth} > ${el.clientWidth}`,
          );
      }
    }
    return out;
  });
}
