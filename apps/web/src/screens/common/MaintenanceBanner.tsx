import type { MaintenanceNotices, MaintenanceWindow } from '@tsudoi/protocol';
import { useEffect, useState } from 'react';
import { api } from '../../api/http';
import { useT } from '../../i18n/useT';
import { getSocket, workspaceSocket } from '../../realtime/socket';
import { useAppStore } from '../../state/store';
import { dismissedWindows, dismissWindow, formatWindowTime } from './maintenanceTime';

const REFRESH_MS = 15 * 60_000;

/**
 * R21: planned maintenance notices. A dismissible banner for windows starting within the server's
 * MAINTENANCE_BANNER_DAYS (or in progress), in the viewer's local time, and an alert when the server says
 * a window starts in a few minutes (`maintenance:soon`, sent to every open socket, rooms included).
 */
export function MaintenanceBanner() {
  const t = useT();
  const lang = useAppStore((s) => s.lang);
  const connection = useAppStore((s) => s.connection);
  const [windows, setWindows] = useState<MaintenanceWindow[]>([]);
  const [dismissed, setDismissed] = useState(dismissedWindows);
  const [soon, setSoon] = useState<{ window: MaintenanceWindow; minutesLeft: number } | undefined>();

  useEffect(() => {
    let live = true;
    const load = () =>
      api<MaintenanceNotices>('GET', '/api/maintenance').then(
        (r) => live && setWindows(r.windows),
        () => {}, // the banner is a courtesy: no error of its own
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);

  // Re-attached whenever the connection changes (the workspace socket replaces the anonymous one).
  // biome-ignore lint/correctness/useExhaustiveDependencies: connection is the trigger, not a value used
  useEffect(() => {
    const s = workspaceSocket() ?? getSocket();
    const on = (n: { window: MaintenanceWindow; minutesLeft: number }) => setSoon(n);
    s.on('maintenance:soon', on);
    return () => {
      s.off('maintenance:soon', on);
    };
  }, [connection]);

  const time = (iso: string) => formatWindowTime(iso, lang);
  const shown = windows.filter((w) => !dismissed.has(w.id));
  if (shown.length === 0 && !soon) return null;
  return (
    <div className="maintenance" data-testid="maintenance">
      {soon && (
        <div role="alert" className="card notice" data-testid="maintenance-soon">
          <p>{t('maint.soon', { minutes: soon.minutesLeft, end: time(soon.window.endsAt) })}</p>
          <button type="button" className="secondary" onClick={() => setSoon(undefined)}>
            {t('maint.dismiss')}
          </button>
        </div>
      )}
      {shown.map((w) => {
        const now = Date.now();
        const inProgress = Date.parse(w.startsAt) <= now;
        return (
          <div
            key={w.id}
            role="status"
            className="card notice"
            data-testid="maintenance-banner"
            data-window={w.id}
          >
            <p>
              {inProgress
                ? t('maint.banner.now', { end: time(w.endsAt) })
                : t('maint.banner', { start: time(w.startsAt), end: time(w.endsAt) })}
              {w.note && <> {t('maint.note', { note: w.note })}</>}
            </p>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                dismissWindow(w.id);
                setDismissed(dismissedWindows());
              }}
            >
              {t('maint.dismiss')}
            </button>
          </div>
        );
      })}
    </div>
  );
}
