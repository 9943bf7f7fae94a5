import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { chatSession } from '../../chat/chatSession';
import { useT } from '../../i18n/useT';
import {
  chatActions,
  selectThreads,
  selectUnreadTotal,
  shownUnread,
  THREAD_LIST,
  useChatStore,
} from '../../state/chatStore';
import { useFloorStore } from '../../state/floorSlice';
import { LoadFailed } from './LoadFailed';
import { NewThreadForm } from './NewThreadForm';
import { ThreadConversation } from './ThreadConversation';
import { threadName } from './threadName';
import './chat.css';

/** Workspace messages (R7): my direct and group conversations with unread counts, live. */
export function Threads() {
  const t = useT();
  const me = useFloorStore((s) => s.me);
  const threads = useChatStore(useShallow(selectThreads));
  const loaded = useChatStore((s) => s.threadsLoaded);
  const total = useChatStore(selectUnreadTotal);
  const viewing = useChatStore((s) => s.viewing);
  const failed = useChatStore((s) => s.failed[THREAD_LIST] === true);
  const [openId, setOpenId] = useState<string | null>(null);
  useEffect(() => chatSession().sync(), []);
  const open = threads.find((th) => th.id === openId);
  const openNow = open?.id ?? null;
  useEffect(() => {
    chatActions.view(openNow);
    return () => chatActions.view(null);
  }, [openNow]);
  return (
    <section className="card chat threads" aria-labelledby="threads-title" data-testid="threads">
      <h2 id="threads-title">
        {t('threads.title')}
        {total > 0 && (
          <span className="badge unread" data-testid="threads-unread">
            {t('threads.unreadTotal', { count: total })}
          </span>
        )}
      </h2>
      <p className="hint">{t('threads.retention')}</p>
      <div className="threads-layout">
        <div>
          {!loaded ? (
            failed ? (
              <LoadFailed what="threads.err.load" />
            ) : (
              <p role="status">{t('threads.loading')}</p>
            )
          ) : threads.length === 0 ? (
            <p className="muted">{t('threads.none')}</p>
          ) : (
            <ul className="list thread-list" aria-label={t('threads.list')}>
              {threads.map((th) => (
                <li key={th.id}>
                  <button
                    type="button"
                    data-testid="thread"
                    data-thread-id={th.id}
                    aria-current={th.id === openId ? 'true' : undefined}
                    onClick={() => setOpenId(th.id)}
                  >
                    <span>{threadName(th, me)}</span>
                    {shownUnread(th, viewing) > 0 && (
                      <span className="badge unread" data-testid="unread-badge">
                        {t('threads.unread', { count: th.unread })}
                      </span>
                    )}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <NewThreadForm onOpened={setOpenId} />
        </div>
        {open && <ThreadConversation key={open.id} thread={open} me={me} onClose={() => setOpenId(null)} />}
      </div>
    </section>
  );
}
