import { IMAGE_LIMITS } from '@tsudoi/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { uploadImage } from '../../api/imageUpload';
import { errorText } from '../../i18n/errorText';
import { useT } from '../../i18n/useT';

export interface Attachment {
  key: string;
  name: string;
  /** A local preview (object URL) while the upload runs and after. */
  preview: string;
  /** 0–1 while uploading. */
  progress: number;
  /** The server's image id once uploaded. */
  imageId?: string;
}

let seq = 0;

/**
 * The images attached to a message being written (R16): each uploads at once with its progress; a refused
 * one is dropped with the server's reason. At most `IMAGE_LIMITS.perMessage`.
 */
export function useImageAttachments(workspaceId: string | null) {
  const t = useT();
  const [items, setItems] = useState<Attachment[]>([]);
  const [error, setError] = useState<string | undefined>();
  const live = useRef(new Set<string>());

  // Object URLs are released when an attachment goes and when the composer goes.
  useEffect(
    () => () => {
      for (const url of live.current) URL.revokeObjectURL(url);
    },
    [],
  );
  const drop = useCallback((key: string) => {
    setItems((list) => {
      const gone = list.find((a) => a.key === key);
      if (gone) {
        URL.revokeObjectURL(gone.preview);
        live.current.delete(gone.preview);
      }
      return list.filter((a) => a.key !== key);
    });
  }, []);

  const add = useCallback(
    (files: readonly File[]) => {
      if (!workspaceId || files.length === 0) return;
      setError(undefined);
      const room = IMAGE_LIMITS.perMessage - items.length;
      if (files.length > room) setError(t('image.tooMany', { n: IMAGE_LIMITS.perMessage }));
      for (const file of files.slice(0, Math.max(0, room))) {
        const key = `a${++seq}`;
        const preview = URL.createObjectURL(file);
        live.current.add(preview);
        setItems((list) => [...list, { key, name: file.name, preview, progress: 0 }]);
        const update = (patch: Partial<Attachment>) =>
          setItems((list) => list.map((a) => (a.key === key ? { ...a, ...patch } : a)));
        uploadImage(workspaceId, 'message', file, (progress) => update({ progress }))
          .then((img) => update({ imageId: img.id, progress: 1 }))
          .catch((err) => {
            setError(errorText(t, err));
            drop(key);
          });
      }
    },
    [workspaceId, items.length, t, drop],
  );

  const clear = useCallback(() => {
    for (const a of items) {
      URL.revokeObjectURL(a.preview);
      live.current.delete(a.preview);
    }
    setItems([]);
  }, [items]);

  return {
    items,
    error,
    add,
    remove: drop,
    clear,
    uploading: items.some((a) => !a.imageId),
    imageIds: items.flatMap((a) => (a.imageId ? [a.imageId] : [])),
  };
}

/** The image files among pasted or dropped items. */
export const imageFiles = (list: FileList | null | undefined): File[] =>
  [...(list ?? [])].filter((f) => f.type.startsWith('image/') || f.type === '');
