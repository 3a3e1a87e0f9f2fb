/** Where the browser is: the part of the URL the UI routes on. */
export interface RouteLocation {
  readonly pathname: string;
  readonly search: string;
}

export interface NavigateOptions {
  /** Replace the current history entry instead of adding one (redirects, removing a token from the URL). */
  readonly replace?: boolean;
}

/** A router over the History API: the current location, navigation, and change notifications. */
export interface Router {
  location(): RouteLocation;
  navigate(to: string, options?: NavigateOptions): void;
  subscribe(listener: () => void): () => void;
}

/** Creates the router of one window; listens to back / forward for its whole life. */
export const createBrowserRouter = (win: Window = window): Router => {
  const listeners = new Set<() => void>();
  const read = (): RouteLocation => ({ pathname: win.location.pathname, search: win.location.search });
  let current = read();

  const update = () => {
    const next = read();
    if (next.pathname === current.pathname && next.search === current.search) return;
    current = next;
    for (const listener of listeners) listener();
  };
  win.addEventListener('popstate', update);

  return {
    location: () => current,
    navigate(to, options = {}) {
      const url = new URL(to, win.location.href);
      if (url.origin !== win.location.origin) throw new Error(`Refusing to navigate off-site: ${to}`);
      const target = `${url.pathname}${url.search}${url.hash}`;
      if (options.replace) win.history.replaceState(null, '', target);
      else win.history.pushState(null, '', target);
      update();
      win.scrollTo(0, 0);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};
