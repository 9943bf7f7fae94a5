import { useAppStore } from '../state/store';
import { MESSAGES, type MessageKey } from './messages';

/** Returns a translator for the current language; `{name}` placeholders are filled from `vars`. */
export function useT() {
  const lang = useAppStore((s) => s.lang);
  return (key: MessageKey, vars: Record<string, string | number> = {}) =>
    MESSAGES[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}
