import type { MediaSource } from '@tsudoi/protocol';
import { create } from 'zustand';
import type { MessageKey } from '../i18n/messages';

/** Another participant's media, one tile each. Streams are null until the matching consumer arrives. */
export interface RemoteTile {
  peerId: string;
  audio: MediaStream | null;
  camera: MediaStream | null;
  screen: MediaStream | null;
  /** Their microphone is paused at the SFU (the mute indicator). */
  micMuted: boolean;
  cameraPaused: boolean;
}

export interface DeviceOption {
  deviceId: string;
  label: string;
}

export type MediaPhase = 'idle' | 'joining' | 'live' | 'renegotiating' | 'failed';

export interface MediaState {
  phase: MediaPhase;
  /** Why the last join or device change failed (shown to the user; media keeps going where it can). */
  /** What went wrong, as a catalogue key (translated where shown; never an error's own text). */
  problem: MessageKey | null;
  /** What the user asked for; kept across rejoins so a reconnect never unmutes anyone. */
  muted: boolean;
  cameraOn: boolean;
  sharingScreen: boolean;
  screenShareSupported: boolean;
  localCamera: MediaStream | null;
  localScreen: MediaStream | null;
  tiles: Record<string, RemoteTile>;
  activeSpeaker: string | null;
  devices: { mics: DeviceOption[]; cameras: DeviceOption[]; speakers: DeviceOption[] };
  /** Chosen device ids; the room view applies `speaker` with HTMLMediaElement.setSinkId. */
  selected: { mic: string | null; camera: string | null; speaker: string | null };
}

const saved = (key: string): string | null =>
  typeof localStorage === 'undefined' ? null : localStorage.getItem(`tsudoi.device.${key}`);

const initial = (): MediaState => ({
  phase: 'idle',
  problem: null,
  muted: false,
  cameraOn: false,
  sharingScreen: false,
  screenShareSupported: false,
  localCamera: null,
  localScreen: null,
  tiles: {},
  activeSpeaker: null,
  devices: { mics: [], cameras: [], speakers: [] },
  selected: { mic: saved('mic'), camera: saved('camera'), speaker: saved('speaker') },
});

/** Media state for the room view; written only by the media client (outside React) via mediaActions. */
export const useMediaStore = create<MediaState>()(() => initial());

const emptyTile = (peerId: string): RemoteTile => ({
  peerId,
  audio: null,
  camera: null,
  screen: null,
  micMuted: false,
  cameraPaused: false,
});

const streamKey = (source: MediaSource) => (source === 'mic' ? 'audio' : source);

/** Actions callable outside React (the media client, tests). */
export const mediaActions = {
  set: (patch: Partial<MediaState>) => useMediaStore.setState(patch),
  selectDevice: (kind: keyof MediaState['selected'], deviceId: string | null) => {
    if (typeof localStorage !== 'undefined') {
      if (deviceId) localStorage.setItem(`tsudoi.device.${kind}`, deviceId);
      else localStorage.removeItem(`tsudoi.device.${kind}`);
    }
    useMediaStore.setState((s) => ({ selected: { ...s.selected, [kind]: deviceId } }));
  },
  setStream: (peerId: string, source: MediaSource, stream: MediaStream | null) =>
    useMediaStore.setState((s) => {
      const tile = { ...(s.tiles[peerId] ?? emptyTile(peerId)), [streamKey(source)]: stream };
      const tiles = { ...s.tiles, [peerId]: tile };
      // A tile with no media left goes; the floor still shows the person in the room.
      if (!tile.audio && !tile.camera && !tile.screen) delete tiles[peerId];
      return { tiles };
    }),
  setPaused: (peerId: string, source: MediaSource, paused: boolean) =>
    useMediaStore.setState((s) => {
      const tile = s.tiles[peerId];
      if (!tile || source === 'screen') return {};
      const flag = source === 'mic' ? { micMuted: paused } : { cameraPaused: paused };
      return { tiles: { ...s.tiles, [peerId]: { ...tile, ...flag } } };
    }),
  /** Drops remote media (leaving, renegotiating) but keeps the user's own choices. */
  clearRemote: () => useMediaStore.setState({ tiles: {}, activeSpeaker: null }),
  /** Back to the initial state (tests, sign-out). */
  reset: () => useMediaStore.setState(initial(), true),
};
