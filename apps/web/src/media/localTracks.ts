import type { MediaSource } from '@tsudoi/protocol';
import { useMediaStore } from '../state/mediaSlice';

/**
 * This participant's own tracks (microphone, camera, screen), kept across rejoins so a reconnect or a
 * room switch never asks for permission again and never reopens a device.
 */
export class LocalTracks {
  readonly #tracks = new Map<MediaSource, MediaStreamTrack>();

  constructor(private readonly devices: MediaDevices) {}

  get(source: MediaSource): MediaStreamTrack | undefined {
    return this.#tracks.get(source);
  }
  set(source: MediaSource, track: MediaStreamTrack): void {
    this.#tracks.set(source, track);
  }
  delete(source: MediaSource): void {
    this.#tracks.delete(source);
  }

  /** The open microphone or camera track, or a new one from the chosen device. */
  async getOrOpen(source: 'mic' | 'camera'): Promise<MediaStreamTrack> {
    return this.#tracks.get(source) ?? (await this.open(source));
  }

  /** Opens the chosen microphone or camera (the last choice, else the browser's default). */
  async open(source: 'mic' | 'camera'): Promise<MediaStreamTrack> {
    const { selected } = useMediaStore.getState();
    const id = source === 'mic' ? selected.mic : selected.camera;
    const device: MediaTrackConstraints = id ? { deviceId: { ideal: id } } : {};
    // 720p feeds the top simulcast layer; the lower two are scaled down from it.
    const stream = await this.devices.getUserMedia(
      source === 'mic'
        ? { audio: device }
        : { video: { ...device, width: { ideal: 1280 }, height: { ideal: 720 } } },
    );
    const track = source === 'mic' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
    if (!track) throw new Error(`no ${source === 'mic' ? 'microphone' : 'camera'}`);
    this.#tracks.set(source, track);
    return track;
  }

  stop(source: MediaSource): void {
    this.#tracks.get(source)?.stop();
    this.#tracks.delete(source);
  }

  stopAll(): void {
    for (const track of this.#tracks.values()) track.stop();
    this.#tracks.clear();
  }
}
