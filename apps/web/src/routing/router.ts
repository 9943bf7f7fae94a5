import { navigate as browserNavigate } from 'wouter/use-browser-location';
import { create } from 'zustand';

/**
 * The app's routing façade on wouter: screens import `navigate`, `useRoute` and `match` from here, never
 * wouter itself. wouter owns the browser location (it patches history so pushState/replaceState announce
 * themselves); this store mirrors it so code outside React (socket handlers, notices) can read and
 * subscribe to the path too.
 */
export const useRoute = create<{ path: string; search: string }>()(() => ({
  path: location.pathname,
  search: location.search,
}));

const sync = () => {
  const { pathname: path, search } = location;
  const now = useRoute.getState();
  if (now.path !== path || now.search !== search) useRoute.setState({ path, search });
};
for (const event of ['popstate', 'pushState', 'replaceState']) window.addEventListener(event, sync);

/** Moves to a path inside the app without reloading. */
export function navigate(to: string, replace = false): void {
  const url = new URL(to, location.origin);
  browserNavigate(url.pathname + url.search + url.hash, { replace });
  sync();
}

/** `/w/:id` → `{ id }` for the given pattern, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const s = path.split('/');
  if (p.length !== s.length) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) {
      try {
        out[p[i]!.slice(1)] = decodeURIComponent(s[i]!);
      } catch {
        return undefined; // a malformed escape in a typed URL is simply no match
      }
    } else if (p[i] !== s[i]) return undefined;
  }
  return out;
}
