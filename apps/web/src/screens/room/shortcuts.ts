import type { MessageKey } from '../../i18n/messages';

/** The room's keyboard shortcuts: what each does, the react-hotkeys-hook key and how the help sheet shows it. */
export interface Shortcut {
  action: 'mic' | 'camera' | 'leave' | 'chat' | 'help';
  /** react-hotkeys-hook key combination. */
  keys: string;
  /** The keys as printed in the help sheet (one entry a key cap). */
  caps: readonly string[];
  label: MessageKey;
  /** A single printable key (no modifier): can be turned off (WCAG 2.1.4 character key shortcuts). */
  singleKey: boolean;
  /**
   * Match the character typed rather than the physical key: `?` sits on a different key (and needs Shift
   * or not) from one keyboard layout to the next. Letters match by key position, so M works with a
   * Japanese IME switched on.
   */
  byCharacter?: boolean;
}

/**
 * Single letters like NeWork and Gather, off while typing (form fields are ignored by the hook). Leaving
 * needs Shift so a stray key never hangs up; `?` opens the list.
 */
export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'mic', keys: 'm', caps: ['M'], label: 'keys.mic', singleKey: true },
  { action: 'camera', keys: 'v', caps: ['V'], label: 'keys.camera', singleKey: true },
  { action: 'chat', keys: 'c', caps: ['C'], label: 'keys.chat', singleKey: true },
  { action: 'leave', keys: 'shift+l', caps: ['Shift', 'L'], label: 'keys.leave', singleKey: false },
  { action: 'help', keys: '?', caps: ['?'], label: 'keys.help', singleKey: false, byCharacter: true },
];

const STORAGE_KEY = 'tsudoi.shortcuts.singleKey';

/** Whether single-key shortcuts are on in this browser (on unless the user turned them off). */
export function singleKeysEnabled(storage: Pick<Storage, 'getItem'> | undefined): boolean {
  return storage?.getItem(STORAGE_KEY) !== 'off';
}

export function setSingleKeysEnabled(storage: Pick<Storage, 'setItem'> | undefined, on: boolean): void {
  storage?.setItem(STORAGE_KEY, on ? 'on' : 'off');
}

/** The shortcuts that are live given the single-key setting. */
export function activeShortcuts(singleKeys: boolean): readonly Shortcut[] {
  return SHORTCUTS.filter((s) => singleKeys || !s.singleKey);
}

/**
 * Screen sharing is offered only where the browser has getDisplayMedia and a precise pointer: iPad and
 * phone browsers either lack it or share nothing useful (R4), so the button is left out there.
 */
export function offerScreenShare(supported: boolean, finePointer: boolean): boolean {
  return supported && finePointer;
}
