import { chatSession } from '../../chat/chatSession';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';

/** What could not be loaded, with a button that loads it again (the next connection also does). */
export function LoadFailed({ what }: { what: MessageKey }) {
  const t = useT();
  return (
    <p role="alert" className="load-failed" data-testid="load-failed">
      {t(what)}{' '}
      <button type="button" className="secondary small" onClick={() => chatSession().retry()}>
        {t('chat.retry')}
      </button>
    </p>
  );
}
