import type { ThreadView } from '@tsudoi/protocol';
import { useEffect, useRef, useState } from 'react';
import { errorText } from '../../i18n/errorText';
import { useT } from '../../i18n/useT';
import { request } from '../../realtime/socket';
import { chatActions, selectMessages, useChatStore } from '../../state/chatStore';
import { FormError } from '../useAction';
import { MessageComposer } from './MessageComposer';
import { MessageList } from './MessageList';
import { threadName } from './threadName';

/** One open thread: its history, live messages and the message box; shown messages are marked read. */
export function ThreadConversation({
  thread,
  me,
  onClose,
}: {
  thread: ThreadView;
  me: string | null;
  onClose: () => void;
}) {
  const t = useT();
  const messages = useChatStore(selectMessages(thread.id));
  const loaded = useChatStore((s) => s.loaded[thread.id] === true);
  const [failure, setFailure] = useState<unknown>();
  const heading = useRef<HTMLHeadingElement>(null);
  const name = threadName(thread, me);
  const error = failure ? t('chat.err.history', { reason: errorText(t, failure) }) : undefined;

  // Opening a conversation moves focus to it, so keyboard users land where the messages are.
  useEffect(() => heading.current?.focus(), []);

  useEffect(() => {
    let current = true;
    request('chat:history', { to: { kind: 'thread', threadId: thread.id } })
      .then((r) => chatActions.history(thread.id, 'thread', r.messages))
      .catch((err) => {
        if (current) setFailure(err ?? new Error());
      });
    return () => {
      current = false;
    };
  }, [thread.id]); // once per opened thread; later messages arrive live

  // Read up to the newest message shown whenever something unread is on screen.
  const newest = messages.at(-1)?.sentAt;
  useEffect(() => {
    if (!loaded || !newest || thread.unread === 0) return;
    request('thread:read', { threadId: thread.id, upTo: newest })
      .then(() => chatActions.read(thread.id))
      .catch(() => {});
  }, [loaded, newest, thread.id, thread.unread]);

  return (
    <div className="thread-conversation" data-testid="thread-conversation" data-thread-id={thread.id}>
      <div className="row">
        <h3 ref={heading} tabIndex={-1}>
          {name}
        </h3>
        {thread.type === 'group' && (
          <span className="muted">
            {t('threads.groupOf')}: {thread.members.map((m) => m.displayName).join(', ')}
          </span>
        )}
        <button type="button" className="secondary small" onClick={onClose}>
          {t('threads.close')}
        </button>
      </div>
      <FormError message={error} />
      {messages.length === 0 &&
        (loaded ? (
          <p className="muted" data-testid="chat-empty">
            {t('chat.empty')}
          </p>
        ) : (
          !error && <p role="status">{t('chat.loading')}</p>
        ))}
      <MessageList messages={messages} me={me} label={t('chat.log', { name })} />
      <MessageComposer
        to={{ kind: 'thread', threadId: thread.id }}
        wording={{ NOT_FOUND: 'chat.err.threadGone' }}
      />
    </div>
  );
}
