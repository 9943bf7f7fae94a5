import { useT } from '../i18n/useT';
import { runConnectionCheck } from '../media/connectionCheck';
import { useAppStore } from '../state/store';

/** Lets a user confirm their network reaches the media server before joining a room. */
export function ConnectionCheck() {
  const t = useT();
  const check = useAppStore((s) => s.check);
  const online = useAppStore((s) => s.connection === 'online');
  return (
    <section className="card" aria-labelledby="check-title">
      <h2 id="check-title">{t('check.title')}</h2>
      <p>{t('check.help')}</p>
      <button
        type="button"
        disabled={!online || check.phase === 'running'}
        onClick={() => void runConnectionCheck()}
      >
        {check.phase === 'running' ? t('check.running') : t('check.start')}
      </button>
      <p role="status" data-testid="check-status" data-phase={check.phase}>
        {check.phase === 'ok' && t('check.ok', { kb: Math.max(1, Math.round(check.bytesReceived / 1024)) })}
        {check.phase === 'failed' && t('check.failed', { reason: t(check.reason) })}
        {check.phase === 'limited' &&
          t(check.code === 'CHECK_BUSY' ? 'check.busy' : 'check.limited', { seconds: check.retryAfter })}
        {check.phase === 'expired' && t('check.expired')}
      </p>
    </section>
  );
}
