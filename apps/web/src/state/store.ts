import { create } from 'zustand';
import type { Lang, MessageKey } from '../i18n/messages';

/**
 * `refused`: the server turned the workspace socket away (signed out elsewhere, no longer a member);
 * `tooMany`: this person already has as many tabs open for the workspace as the server allows.
 */
export type ConnectionStatus = 'connecting' | 'online' | 'outdated' | 'refused' | 'tooMany';
export type CheckState =
  | { phase: 'idle' }
  | { phase: 'running' }
  | { phase: 'ok'; bytesReceived: number }
  /** `reason`: a catalogue key (never an error's own text). */
  | { phase: 'failed'; reason: MessageKey }
  /** The server refused to start a check now (too many from this network, or server busy). */
  | { phase: 'limited'; code: 'CHECK_LIMIT' | 'CHECK_BUSY'; retryAfter: number }
  /** The server ended the check after its lifetime. */
  | { phase: 'expired' };

interface UiSlice {
  lang: Lang;
  setLang: (lang: Lang) => void;
}
interface ConnectionSlice {
  connection: ConnectionStatus;
  check: CheckState;
}

export type AppState = UiSlice & ConnectionSlice;

const initialLang = (): Lang => {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('tsudoi.lang') : null;
  if (saved === 'ja' || saved === 'en') return saved;
  return typeof navigator !== 'undefined' && navigator.language.startsWith('ja') ? 'ja' : 'en';
};

/** The one client store, made of slices; socket handlers update it through the actions below. */
export const useAppStore = create<AppState>()((set) => ({
  lang: initialLang(),
  setLang: (lang) => {
    localStorage.setItem('tsudoi.lang', lang);
    document.documentElement.lang = lang;
    set({ lang });
  },
  connection: 'connecting',
  check: { phase: 'idle' },
}));

// index.html says lang="ja"; a page shown in English must say so too (screen readers pick the voice by it).
if (typeof document !== 'undefined') document.documentElement.lang = useAppStore.getState().lang;

/** Actions callable outside React (socket handlers, media code). */
export const connectionActions = {
  setStatus: (connection: ConnectionStatus) => useAppStore.setState({ connection }),
  setCheck: (check: CheckState) => useAppStore.setState({ check }),
};
