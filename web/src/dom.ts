// A small element builder: h("button", { testid: "x", onclick }, "text").
export type Child = Node | string | number | null | undefined | false | Child[];

export interface Props {
  testid?: string;
  class?: string;
  [attr: string]: unknown;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "testid") el.setAttribute("data-testid", String(value));
      else if (key === "class") el.className = String(value);
      else if (key.startsWith("on") && typeof value === "function") {
        el.addEventListener(key.slice(2), value as EventListener);
      } else if (key === "value" && "value" in el) {
        (el as HTMLInputElement).value = String(value);
      } else if (value === true) el.setAttribute(key, "");
      else el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

// Puts `el` right after `previous` in `list` (first when null), moving it only when it is out
// of place, so that a field or button focused inside it keeps the focus.
export function keepInOrder(list: Element, previous: Element | null, el: Element): void {
  const expected = previous ? previous.nextElementSibling : list.firstElementChild;
  if (expected === el) return;
  if (previous) previous.after(el);
  else list.prepend(el);
}

export function byTestId<T extends HTMLElement = HTMLElement>(root: ParentNode, id: string): T | null {
  return root.querySelector<T>(`[data-testid="${id}"]`);
}

let idCounter = 0;
export function uniqueId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
