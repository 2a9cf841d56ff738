// Small DOM helpers for the page: look up an element by id (failing loudly when the markup
// and the script disagree) and create elements with text and attributes.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`page element #${id} is missing`);
  return e as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text = '', attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** A number input's value, or undefined when empty or not a number. */
export function numberIn(input: HTMLInputElement): number | undefined {
  const v = input.value.trim();
  if (v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Arrow keys move the focus between the focusable children of a container. */
export function arrowNavigation(container: HTMLElement, signal?: AbortSignal): void {
  container.addEventListener(
    'keydown',
    (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight' && e.key !== 'Home' && e.key !== 'End') return;
      const items = [...container.querySelectorAll<HTMLElement>('[tabindex]')];
      const i = items.indexOf(document.activeElement as HTMLElement);
      if (i < 0) return;
      const j = e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : Math.max(0, Math.min(items.length - 1, i + (e.key === 'ArrowLeft' ? -1 : 1)));
      items[j]!.focus();
      e.preventDefault();
    },
    { signal },
  );
}
