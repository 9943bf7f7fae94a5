import { type ConversationRef, MESSAGE_MAX_LENGTH } from '@tsudoi/protocol';
import { type KeyboardEvent, useId, useState } from 'react';
import { type ErrorWording, errorText } from '../../i18n/errorText';
import { useT } from '../../i18n/useT';
import { request } from '../../realtime/socket';
import { chatActions } from '../../state/chatStore';
import { FormError } from '../useAction';

/** The message box: at most 2000 characters with a counter; Enter sends, Shift+Enter adds a line. */
export function MessageComposer({ to, wording }: { to: ConversationRef; wording?: ErrorWording }) {
  const t = useT();
  const id = useId();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const empty = text.trim().length === 0;

  const send = async () => {
    if (empty || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      chatActions.sent(await request('chat:send', { to, text }));
      setText('');
    } catch (err) {
      // The text stays in the box so nothing typed is lost.
      setError(errorText(t, err, wording));
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter while an IME is composing (Japanese input) confirms the conversion; it must not send.
    if (e.key !== 'Enter' || e.shiftKey || e.nativeEvent.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    void send();
  };

  return (
    <form
      className="chat-composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <label htmlFor={`${id}-text`}>{t('chat.input')}</label>
      <textarea
        id={`${id}-text`}
        data-chat-input={to.kind}
        value={text}
        rows={2}
        maxLength={MESSAGE_MAX_LENGTH}
        aria-describedby={`${id}-hint ${id}-count`}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="row chat-composer-bar">
        <span id={`${id}-hint`} className="hint">
          {t('chat.inputHint')}
        </span>
        <span
          id={`${id}-count`}
          className={`hint chat-count${text.length >= MESSAGE_MAX_LENGTH ? ' error' : ''}`}
          data-testid="chat-count"
        >
          {t('chat.counter', { count: text.length, max: MESSAGE_MAX_LENGTH })}
        </span>
        <button type="submit" disabled={empty || busy}>
          {busy ? t('chat.sending') : t('chat.send')}
        </button>
      </div>
      <FormError message={error} />
    </form>
  );
}
