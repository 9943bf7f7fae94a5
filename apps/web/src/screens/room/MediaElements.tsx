import { useEffect, useRef } from 'react';

/** A `<video>` showing a MediaStream (React cannot set `srcObject` as a prop). */
export function StreamVideo({
  stream,
  mirrored = false,
  testId,
  label,
}: {
  stream: MediaStream;
  mirrored?: boolean;
  testId: string;
  label: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = stream;
    return () => {
      video.srcObject = null;
    };
  }, [stream]);
  return (
    <video
      ref={ref}
      data-testid={testId}
      className={mirrored ? 'mirrored' : undefined}
      aria-label={label}
      autoPlay
      playsInline
      muted
    />
  );
}

/** Plays a participant's audio on the chosen speaker (where the browser can choose one). */
export function StreamAudio({
  stream,
  peerId,
  speaker,
}: {
  stream: MediaStream;
  peerId: string;
  speaker: string | null;
}) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    audio.srcObject = stream;
    void audio.play().catch(() => {});
    return () => {
      audio.srcObject = null;
    };
  }, [stream]);
  useEffect(() => {
    const audio = ref.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (audio?.setSinkId && speaker !== null) void audio.setSinkId(speaker).catch(() => {});
  }, [speaker]);
  // biome-ignore lint/a11y/useMediaCaption: live call audio has no caption track to offer
  return <audio ref={ref} data-testid="tile-audio" data-peer={peerId} autoPlay />;
}

/** True where `<audio>` can play to a chosen output device (Chromium; not Safari or iPad). */
export const canChooseSpeaker = (): boolean =>
  typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
