import { useEffect, useState } from 'react';
import { floorEvents } from '../../attention/attentionEvents';
import { useFloorStore } from '../../state/floorSlice';
import { useAppStore } from '../../state/store';
import { notificationText } from '../attention/notifier';
import { type Announced, nextAnnouncements } from './liveAnnouncements';

/**
 * A polite live region (visually hidden) that tells screen-reader users when someone joins their room or
 * knocks on it — what sighted people notice on the floor. Mounted once by the shell; always in the DOM so
 * assistive technology is already listening when the first line arrives.
 */
export function LiveAnnouncer() {
  const [shown, setShown] = useState<Announced[]>([]);
  useAppStore((s) => s.lang); // re-render the lines in a newly chosen language
  useEffect(
    () =>
      useFloorStore.subscribe((next, prev) => {
        const events = floorEvents(prev, next);
        if (events.length > 0) setShown((list) => nextAnnouncements(list, events));
      }),
    [],
  );
  return (
    <div className="sr-only" role="status" aria-live="polite" data-testid="live-announcer">
      {shown.map((a) => (
        <p key={a.key}>{notificationText(a).title}</p>
      ))}
    </div>
  );
}
