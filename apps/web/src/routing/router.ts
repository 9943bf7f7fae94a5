import { create } from 'zustand';

/** The current location; the app's few routes are matched in App.tsx. */
export const useRoute = create<{ path: string; search: string }>()(() => ({
  path: location.pathname,
  search: location.search,
}));

window.addEventListener('popstate', () =>
  useRoute.setState({ path: location.pathname, search: location.search }),
);

/** Moves to a path inside the app without reloading. */
export function navigate(to: string, replace = false): void {
  const url = new URL(to, location.origin);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  useRoute.setState({ path: url.pathname, search: url.search });
}

/** `/w/:id` → `{ id }` for the given pattern, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const s = path.split('/');
  if (p.length !== s.length) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) out[p[i]!.slice(1)] = decodeURIComponent(s[i]!);
    else if (p[i] !== s[i]) return undefined;
  }
  return out;
}
