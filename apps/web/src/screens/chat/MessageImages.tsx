import { imagePaths, type MessageImage } from '@tsudoi/protocol';
import { useState } from 'react';
import { useT } from '../../i18n/useT';
import { useFloorStore } from '../../state/floorSlice';
import { useModalDialog } from '../common/useModalDialog';
import './images.css';

/**
 * A message's images as thumbnails (R16); each opens the full-size image in a modal dialog (Escape or the
 * close button returns). The URLs answer only to members of this workspace, and 404 once the message is
 * deleted: a purged message takes its images off every screen with it.
 */
export function MessageImages({ images, sender }: { images: readonly MessageImage[]; sender: string }) {
  const t = useT();
  const ws = useFloorStore((s) => s.workspaceId);
  const [open, setOpen] = useState<string | null>(null);
  const dialog = useModalDialog(open !== null);
  if (!ws || images.length === 0) return null;
  return (
    <div className="chat-images">
      {images.map((img) => (
        <button
          key={img.id}
          type="button"
          className="chat-image-button"
          aria-label={`${t('image.alt', { name: sender })} — ${t('image.open')}`}
          onClick={() => setOpen(img.id)}
        >
          <img
            className="chat-thumb"
            src={imagePaths.thumb(ws, img.id)}
            alt={t('image.alt', { name: sender })}
            data-testid="chat-image"
            data-image-id={img.id}
            loading="lazy"
          />
        </button>
      ))}
      <dialog
        ref={dialog}
        className="chat-image-dialog"
        onClose={() => setOpen(null)}
        aria-label={t('image.full')}
      >
        {open && (
          <>
            <img
              className="chat-image-full"
              src={imagePaths.image(ws, open)}
              alt={t('image.alt', { name: sender })}
              data-testid="chat-image-full"
            />
            <form method="dialog">
              <button type="submit">{t('image.close')}</button>
            </form>
          </>
        )}
      </dialog>
    </div>
  );
}
