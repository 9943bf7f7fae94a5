import { z } from 'zod';
import { create } from 'zustand';
import {
  ATTENTION_KINDS,
  type AttentionKind,
  type AttentionSettings,
  DEFAULT_ATTENTION_SETTINGS,
  type KindSettings,
  type NotifyPermission,
} from './attentionPolicy';

const STORAGE_KEY = 'tsudoi.attention';

/** What this browser remembers; read back through a schema (storage is edited by extensions and people). */
const Stored = z.object({
  settings: z
    .partialRecord(z.enum(ATTENTION_KINDS), z.object({ notify: z.boolean(), sound: z.boolean() }).partial())
    .optional(),
  /** "Not now" on the notification prompt: not asked again in this browser (the settings still offer it). */
  promptDismissed: z.boolean().optional(),
});
type Stored = z.infer<typeof Stored>;

export interface AttentionSettingsState {
  settings: AttentionSettings;
  promptDismissed: boolean;
  permission: NotifyPermission;
  /** The person did something that makes notifications worth asking for (first drop-in, first event). */
  engaged: boolean;
}

/** What was stored, or nothing when it is missing, not JSON or not ours (then the defaults apply). */
export function parseStored(raw: string | null): Stored {
  try {
    const parsed = Stored.safeParse(raw ? JSON.parse(raw) : {});
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function read(): Stored {
  try {
    return parseStored(localStorage.getItem(STORAGE_KEY));
  } catch {
    return {}; // storage blocked (some privacy settings throw on access)
  }
}

/** Defaults overlaid with what was stored (kinds added later start on). */
export function mergeSettings(stored: Stored['settings']): AttentionSettings {
  const out = { ...DEFAULT_ATTENTION_SETTINGS };
  for (const kind of ATTENTION_KINDS) out[kind] = { ...out[kind], ...stored?.[kind] };
  return out;
}

export const currentPermission = (): NotifyPermission =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

const initial = (): AttentionSettingsState => {
  const stored = typeof localStorage === 'undefined' ? {} : read();
  return {
    settings: mergeSettings(stored.settings),
    promptDismissed: stored.promptDismissed ?? false,
    permission: currentPermission(),
    engaged: false,
  };
};

/** The attention settings of this browser, and the notification permission as last seen. */
export const useAttentionSettings = create<AttentionSettingsState>()(initial);

function persist(): void {
  const { settings, promptDismissed } = useAttentionSettings.getState();
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ settings, promptDismissed } satisfies Stored));
  } catch {
    // Private mode or full storage: the choice holds for this page only.
  }
}

/** Actions callable outside React. */
export const attentionSettingsActions = {
  set: (kind: AttentionKind, change: Partial<KindSettings>) => {
    useAttentionSettings.setState((s) => ({
      settings: { ...s.settings, [kind]: { ...s.settings[kind], ...change } },
    }));
    persist();
  },
  dismissPrompt: () => {
    useAttentionSettings.setState({ promptDismissed: true });
    persist();
  },
  engaged: () => {
    if (!useAttentionSettings.getState().engaged) useAttentionSettings.setState({ engaged: true });
  },
  /** Re-reads the browser's permission (after asking, or when the person changed it in the browser). */
  refreshPermission: () => {
    const permission = currentPermission();
    if (permission !== useAttentionSettings.getState().permission)
      useAttentionSettings.setState({ permission });
  },
  /** Asks the browser; call only from a click (browsers ignore or punish prompts without one). */
  requestPermission: async (): Promise<NotifyPermission> => {
    if (typeof Notification === 'undefined') return 'unsupported';
    try {
      await Notification.requestPermission();
    } catch {
      // Old callback-only implementations: the permission read below tells the outcome.
    }
    attentionSettingsActions.refreshPermission();
    return useAttentionSettings.getState().permission;
  },
};
