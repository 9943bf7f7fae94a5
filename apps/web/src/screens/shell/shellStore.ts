import { create } from 'zustand';

export type PanelTab = 'room' | 'messages';

interface ShellState {
  /** The right panel (room chat | messages) is shown; remembered per browser. */
  panelOpen: boolean;
  tab: PanelTab;
  /** Narrow screens: the floor drawer is open. */
  floorOpen: boolean;
  /** How many room-chat messages I have seen, per room (the unread marker compares against it). */
  seen: Record<string, number>;
}

const PANEL_KEY = 'tsudoi.panelOpen';
const initialPanel = (): boolean =>
  typeof localStorage === 'undefined' || localStorage.getItem(PANEL_KEY) !== '0';

/** Layout state of the workspace shell; not shared with the server. */
export const useShellStore = create<ShellState>()(() => ({
  panelOpen: initialPanel(),
  tab: 'messages',
  floorOpen: false,
  seen: {},
}));

export const shellActions = {
  setPanelOpen(panelOpen: boolean) {
    localStorage.setItem(PANEL_KEY, panelOpen ? '1' : '0');
    useShellStore.setState({ panelOpen });
  },
  showTab(tab: PanelTab) {
    if (!useShellStore.getState().panelOpen) shellActions.setPanelOpen(true);
    useShellStore.setState({ tab });
  },
  selectTab: (tab: PanelTab) => useShellStore.setState({ tab }),
  setFloorOpen: (floorOpen: boolean) => useShellStore.setState({ floorOpen }),
  markSeen: (roomId: string, count: number) =>
    useShellStore.setState((s) => (s.seen[roomId] === count ? s : { seen: { ...s.seen, [roomId]: count } })),
};

/** Unread room-chat messages: what arrived from others since I last looked at the room chat. */
export function roomChatUnread(othersCount: number, seen: number | undefined): number {
  return Math.max(0, othersCount - (seen ?? 0));
}
