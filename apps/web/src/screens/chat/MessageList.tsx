import type { ChatMessageView } from '@tsudoi/protocol';
import { useEffect, useRef } from 'react';
import { linkify } from '../../chat/linkify';
import { useT } from '../../i18n/useT';
import { useAppStore } from '../../state/store';
import { Avatar } from '../common/Avatar';
import { MessageImages } from './MessageImages';

/** One conversation's messages, oldest first: sender, time and text; new ones are announced (role=log). */
export function MessageList({
  messages,
  label,
  me,
}: {
  messages: readonly ChatMessageView[];
  label: string;
  me: string | null;
}) {
  const t = useT();
  const lang = useAppStore((s) => s.lang);
  const list = useRef<HTMLDivElement>(null);
  const count = messages.length;
  // Follow the conversation: the newest message stays in view as messages arrive.
  useEffect(() => {
    const el = list.current;
    if (el && count > 0) el.scrollTop = el.scrollHeight;
  }, [count]);
  const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });
  return (
    // A log is read out politely as messages are added; the list itself is the scrolling region.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <div className="chat-log" role="log" aria-label={label} aria-live="polite" ref={list} tabIndex={0}>
      {messages.map((m) => (
        // Each message is an article of the log (an <li> under role=log would have lost its list).
        <article key={m.id} data-testid="chat-message" data-message-id={m.id} className="chat-message">
          <div className="chat-meta">
            <Avatar userId={m.sender.userId} name={m.sender.displayName} size={20} decorative />{' '}
            <strong>
              {m.sender.userId === me
                ? t('chat.youName', { name: m.sender.displayName })
                : m.sender.displayName}
            </strong>{' '}
            <time dateTime={m.sentAt} className="muted">
              {time.format(new Date(m.sentAt))}
            </time>
          </div>
          {m.text && (
            <div className="chat-text" data-testid="chat-text">
              {linkify(m.text)}
            </div>
          )}
          {m.images && <MessageImages images={m.images} sender={m.sender.displayName} />}
        </article>
      ))}
    </div>
  );
}
