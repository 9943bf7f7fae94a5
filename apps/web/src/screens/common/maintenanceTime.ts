/** Formats a maintenance window's instants in the viewer's own time zone (R21: local time for everyone). */
export function formatWindowTime(iso: string, lang: 'ja' | 'en', timeZone?: string): string {
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-US', {
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}

const KEY = 'tsudoi.maintenance.dismissed';

/** Window ids whose banner this browser dismissed (a new window shows again). */
export function dismissedWindows(): Set<string> {
  try {
    const raw = localStorage.getItem(KEY);
    const list: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

export function dismissWindow(id: string): void {
  const ids = [...dismissedWindows(), id].slice(-50);
  try {
    localStorage.setItem(KEY, JSON.stringify(ids));
  } catch {
    // Private mode or full storage: the banner is dismissed for this page only.
  }
}
