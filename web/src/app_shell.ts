// The page's side of the service worker /sw.js: registered at every start, so that the app
// shell is cached (sw/shell.ts) and the next load opens with no network; and the views a
// tapped notification asks for. main.ts calls startAppShell() once.

// "#patrol": the worker asks an open page to show a view named by its hash.
const HASH = /^#[a-z][a-z-]{0,31}$/;

export function startAppShell(): void {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  // After the page's own loading, which it must not slow down. A failure (a browser that
  // blocks workers, a server that is down) leaves the page as it is: it works without.
  const register = (): void => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
  };
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });

  navigator.serviceWorker.addEventListener("message", (event: MessageEvent) => {
    const data = event.data as { type?: unknown; hash?: unknown } | null;
    if (data?.type !== "open-hash" || typeof data.hash !== "string" || !HASH.test(data.hash)) return;
    // A hashchange, which the page's views follow, as on a load of /#patrol.
    if (location.hash !== data.hash) location.hash = data.hash;
    else window.dispatchEvent(new HashChangeEvent("hashchange"));
  });
}
