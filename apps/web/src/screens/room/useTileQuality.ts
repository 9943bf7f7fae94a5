import type { MediaSource } from '@tsudoi/protocol';
import { useEffect, useState } from 'react';
import { mediaClient } from '../../media/roomSession';
import { type InboundSample, qualityBetween, sampleOf, type TileQuality } from './tileQuality';

/** How often a tile reads its receiver's stats (getStats is cheap, but pages with many tiles add up). */
const POLL_MS = 2_000;

/**
 * A remote tile's connection quality, from its receiver's getStats every 2 s (`source` = the stream to
 * judge on, null = none flowing). Keeps the last judgement through a reading with nothing to judge.
 */
export function useTileQuality(peerId: string, source: MediaSource | null): TileQuality {
  const [quality, setQuality] = useState<TileQuality>('unknown');
  useEffect(() => {
    setQuality('unknown');
    if (!source) return;
    let prev: InboundSample | undefined;
    let stopped = false;
    const read = async () => {
      // Nobody looks at a hidden tab's marks: spare the busy machine the stats reads.
      if (document.hidden) return;
      const report = await mediaClient()
        ?.stats(peerId, source)
        .catch(() => undefined);
      if (stopped) return;
      const next = report ? sampleOf(report) : undefined;
      if (!next) return;
      const judged = qualityBetween(prev, next);
      prev = next;
      if (judged !== 'unknown') setQuality(judged);
    };
    void read();
    const timer = setInterval(() => void read(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [peerId, source]);
  return quality;
}
