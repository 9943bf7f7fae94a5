import { useT } from '../../i18n/useT';
import { retryWorkspaceSocket } from '../../realtime/socket';
import { useAppStore } from '../../state/store';

/** Whether the page is connected to the server, with the one action that helps when it is not. */
export function ConnectionState() {
  const t = useT();
  const connection = useAppStore((s) => s.connection);
  return (
    <p role="status" data-testid="connection" data-state={connection} className={`conn ${connection}`}>
      <span className="conn-dot" aria-hidden="true" />
      {connection === 'online' && t('conn.online')}
      {connection === 'connecting' && t('conn.offline')}
      {connection === 'refused' && t('conn.refused')}
      {connection === 'tooMany' && (
        <>
          {t('conn.tooMany')}{' '}
          <button type="button" onClick={retryWorkspaceSocket}>
            {t('conn.retry')}
          </button>
        </>
      )}
      {connection === 'outdated' && (
        <>
          {t('conn.outdated')}{' '}
          <button type="button" onClick={() => location.reload()}>
            {t('conn.reload')}
          </button>
        </>
      )}
    </p>
  );
}
