/**
 * Talking to the shop page that frames the widget. The server names the shop origins that may
 * frame /embed (GET /api/embed/config); this page's own origin may too (the demo page). Messages go
 * only to those origins, never to '*', and only messages from the parent window at one of them count.
 */

let origins: Promise<string[]> | null = null;

/** True when this page runs inside a frame. */
export function isFramed(): boolean {
  return window.parent !== window;
}

/** The origins the parent may have (asked once per page). */
export function parentOrigins(): Promise<string[]> {
  origins ??= fetch('/api/embed/config')
    .then((res) => (res.ok ? (res.json() as Promise<{ parentOrigins?: unknown }>) : { parentOrigins: [] }))
    .then((body) => {
      const list = Array.isArray(body.parentOrigins) ? body.parentOrigins.filter((o): o is string => typeof o === 'string') : [];
      return [location.origin, ...list.filter((o) => o !== location.origin)];
    })
    // Unreachable config: the safest guess is our own origin (it never reaches a foreign page).
    .catch(() => [location.origin]);
  return origins;
}

/**
 * Posts a message to the parent page. The browser delivers a message only when its target origin
 * is the parent's, so posting once per allowed origin reaches the parent if and only if it is allowed.
 */
export function postToParent(message: { type: string; [key: string]: unknown }): void {
  if (!isFramed()) return;
  void parentOrigins().then((list) => {
    for (const origin of list) window.parent.postMessage(message, origin);
  });
}

/** True when a message event comes from the parent window at an allowed origin. */
export async function fromParent(event: MessageEvent): Promise<boolean> {
  if (!isFramed() || event.source !== window.parent) return false;
  return (await parentOrigins()).includes(event.origin);
}
