import { IMAGE_LIMITS, imagePaths } from '@tsudoi/protocol';
import { useEffect, useId, useState } from 'react';
import { api } from '../../api/http';
import { uploadImage } from '../../api/imageUpload';
import { errorText } from '../../i18n/errorText';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { imageActions, useImageVersion } from '../../state/imageStore';
import { useSession } from '../../state/session';
import { FormError } from '../useAction';
import type { SectionProps } from './sections';
import './imageSettings.css';

interface Texts {
  title: MessageKey;
  help: MessageKey;
  saved: MessageKey;
  removed: MessageKey;
}

/**
 * Choose, upload (with progress) or remove an image (R16). The server checks and re-encodes it; its refusal
 * (type, size, pixels) is shown as it gives it.
 */
function ImagePicker({
  src,
  texts,
  upload,
  remove,
  testId,
}: {
  src: string | undefined;
  texts: Texts;
  upload: (file: File, progress: (f: number) => void) => Promise<void>;
  remove: () => Promise<void>;
  testId: string;
}) {
  const t = useT();
  const id = useId();
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [broken, setBroken] = useState<string | undefined>();
  const busy = progress !== null;

  const choose = async (file: File | undefined) => {
    if (!file) return;
    setError(undefined);
    setStatus(undefined);
    setProgress(0);
    try {
      await upload(file, setProgress);
      setStatus(t(texts.saved));
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setProgress(null);
    }
  };

  return (
    <div className="card image-picker" data-testid={testId}>
      <h3>{t(texts.title)}</h3>
      <div className="row image-picker-row">
        <div className="image-picker-preview">
          {src && broken !== src ? (
            <img
              src={src}
              alt={t(texts.title)}
              data-testid={`${testId}-current`}
              onError={() => setBroken(src)}
            />
          ) : (
            <span aria-hidden="true" />
          )}
        </div>
        <div className="image-picker-controls">
          <label htmlFor={`${id}-file`}>{t('image.profile.choose')}</label>
          <input
            id={`${id}-file`}
            type="file"
            accept={IMAGE_LIMITS.types.join(',')}
            aria-describedby={`${id}-help`}
            disabled={busy}
            data-testid={`${testId}-input`}
            onChange={(e) => {
              void choose(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
          <p id={`${id}-help`} className="hint">
            {t(texts.help)}
          </p>
          {busy && (
            <progress
              max={1}
              value={progress}
              aria-label={t('image.uploading', { percent: Math.round(progress * 100) })}
            />
          )}
          {src && broken !== src && (
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                setError(undefined);
                remove()
                  .then(() => setStatus(t(texts.removed)))
                  .catch((err) => setError(errorText(t, err)));
              }}
            >
              {t('image.profile.remove')}
            </button>
          )}
          <p role="status" className="hint" data-testid={`${testId}-status`}>
            {status}
          </p>
          <FormError message={error} />
        </div>
      </div>
    </div>
  );
}

/** My profile image in this workspace: shown as my avatar on the floor, in member lists and in chat. */
export function ProfileImageSettings({ ws }: SectionProps) {
  const session = useSession();
  const userId = session.status === 'signed-in' ? session.info.user.id : undefined;
  const version = useImageVersion(userId);
  useEffect(() => imageActions.load(ws.id), [ws.id]);
  if (!userId) return null;
  return (
    <ImagePicker
      testId="profile-image"
      src={version ? `${imagePaths.avatar(ws.id, userId)}?v=${version}` : undefined}
      texts={{
        title: 'image.profile.title',
        help: 'image.profile.help',
        saved: 'image.profile.saved',
        removed: 'image.profile.removed',
      }}
      upload={async (file, progress) => {
        const img = await uploadImage(ws.id, 'profile', file, progress);
        imageActions.changed({ userId, imageId: img.id });
      }}
      remove={async () => {
        await api('DELETE', `${imagePaths.avatar(ws.id, 'me')}`);
        imageActions.changed({ userId });
      }}
    />
  );
}

/** The workspace's image (admins): every member sees it. */
export function WorkspaceImageSettings({ ws }: SectionProps) {
  const version = useImageVersion();
  useEffect(() => imageActions.load(ws.id), [ws.id]);
  return (
    <ImagePicker
      testId="workspace-image"
      src={version ? `${imagePaths.workspaceImage(ws.id)}?v=${version}` : undefined}
      texts={{
        title: 'image.workspace.title',
        help: 'image.workspace.help',
        saved: 'image.workspace.saved',
        removed: 'image.workspace.removed',
      }}
      upload={async (file, progress) => {
        const img = await uploadImage(ws.id, 'workspace', file, progress);
        imageActions.changed({ imageId: img.id });
      }}
      remove={async () => {
        await api('DELETE', imagePaths.workspaceImage(ws.id));
        imageActions.changed({});
      }}
    />
  );
}
