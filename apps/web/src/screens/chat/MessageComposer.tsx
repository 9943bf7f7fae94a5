import { type ConversationRef, IMAGE_LIMITS, MESSAGE_MAX_LENGTH } from '@tsudoi/protocol';
import { ImagePlus, X } from 'lucide-react';
import { type DragEvent, type KeyboardEvent, useId, useRef, useState } from 'react';
import { textAfterFailedSend } from '../../chat/composerText';
import { type ErrorWording, errorText } from '../../i18n/errorText';
import { useT } from '../../i18n/useT';
import { RequestError, request } from '../../realtime/socket';
import { chatActions } from '../../state/chatStore';
import { useFloorStore } from '../../state/floorSlice';
import { FormError } from '../useAction';
import { imageFiles, useImageAttachments } from './useImageAttachments';
import './images.css';

/**
 * The message box: at most 2000 characters with a counter; Enter sends, Shift+Enter adds a line. Images
 * (R16) are attached with the button, by pasting or by dropping them on the box; each uploads at once with
 * its progress, and the message goes when they are all up.
 */
export function MessageComposer({ to, wording }: { to: ConversationRef; wording?: ErrorWording }) {
  const t = useT();
  const id = useId();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const ws = useFloorStore((s) => s.workspaceId);
  const images = useImageAttachments(ws);
  const fileInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const empty = text.trim().length === 0 && images.imageIds.length === 0;

  const send = async () => {
    if (empty || busy || images.uploading) return;
    setBusy(true);
    setError(undefined);
    const sent = text;
    // The box empties at once: the next message can be typed while this one is on its way.
    setText('');
    try {
      const imageIds = images.imageIds;
      chatActions.sent(
        await request('chat:send', {
          to,
          text: sent.trim() ? sent : '',
          ...(imageIds.length ? { imageIds } : {}),
        }),
      );
      images.clear();
    } catch (err) {
      // The text comes back into the box so nothing typed is lost.
      setText((current) => textAfterFailedSend(current, sent));
      setError(errorText(t, err, wording));
      // The server no longer holds the attached images: sending them again would fail the same way.
      if (err instanceof RequestError && err.body.code === 'IMAGE_GONE') images.clear();
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

  const onDrop = (e: DragEvent<HTMLFormElement>) => {
    setDragging(false);
    const files = imageFiles(e.dataTransfer?.files);
    if (files.length === 0) return;
    e.preventDefault();
    images.add(files);
  };

  return (
    <form
      className={`chat-composer${dragging ? ' dragging' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      onDragOver={(e) => {
        if ([...(e.dataTransfer?.types ?? [])].includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
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
        onPaste={(e) => {
          const files = imageFiles(e.clipboardData?.files);
          if (files.length === 0) return; // text pastes as usual
          e.preventDefault();
          images.add(files);
        }}
      />
      {images.items.length > 0 && (
        <ul className="chat-attachments" aria-label={t('image.attach')}>
          {images.items.map((a) => (
            <li
              key={a.key}
              className="chat-attachment"
              data-testid="chat-attachment"
              data-uploaded={!!a.imageId}
            >
              <img src={a.preview} alt={a.name} />
              {!a.imageId && (
                <progress
                  max={1}
                  value={a.progress}
                  aria-label={t('image.uploading', { percent: Math.round(a.progress * 100) })}
                />
              )}
              <button
                type="button"
                className="icon-button"
                aria-label={`${t('image.remove')}: ${a.name}`}
                onClick={() => images.remove(a.key)}
              >
                <X size={14} aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        ref={fileInput}
        type="file"
        // Not rendered (the attach button opens it): no layout box, so no undersized touch target.
        hidden
        accept={IMAGE_LIMITS.types.join(',')}
        multiple
        tabIndex={-1}
        aria-hidden="true"
        data-testid="chat-image-input"
        onChange={(e) => {
          images.add(imageFiles(e.target.files));
          e.target.value = '';
        }}
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
        <button
          type="button"
          className="icon-button"
          aria-label={t('image.attach')}
          title={t('image.attach')}
          onClick={() => fileInput.current?.click()}
          disabled={!ws}
        >
          <ImagePlus size={18} aria-hidden="true" />
        </button>
        <button type="submit" disabled={empty || busy || images.uploading}>
          {busy ? t('chat.sending') : t('chat.send')}
        </button>
      </div>
      <FormError message={error ?? images.error} />
    </form>
  );
}
