/** A tiny DOM builder: text only ever goes in as text nodes, so nothing from the server is parsed as HTML. */
export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** Replaces the page's main content and moves focus there, so a screen reader announces the new view. */
export function show(...children: Child[]): HTMLElement {
  const main = document.getElementById('main')!;
  main.replaceChildren(...children.filter((c): c is Node | string => Boolean(c)));
  return main;
}

/** An error box screen readers announce at once. */
export function errorBox(title: string, message: string, ...extra: Child[]): HTMLElement {
  return h('div', { class: 'error', role: 'alert' }, h('h2', {}, title), h('p', {}, message), ...extra);
}
