import { type ImageUploadKind, imagePaths, type UploadedImage } from '@tsudoi/protocol';
import { postRaw } from './rawUpload';

/**
 * Uploads an image file as the raw body (R16; the server decides what it is from the bytes). `onProgress`
 * gets the uploaded fraction (0–1): XMLHttpRequest, because fetch cannot report upload progress. Failures
 * throw `ApiError` with the server's code (IMAGE_TYPE_NOT_ALLOWED, IMAGE_TOO_LARGE, …).
 */
export function uploadImage(
  workspaceId: string,
  kind: ImageUploadKind,
  file: Blob,
  onProgress?: (fraction: number) => void,
): Promise<UploadedImage> {
  return postRaw<UploadedImage>(
    imagePaths.upload(workspaceId, kind),
    file,
    'application/octet-stream',
    onProgress,
  );
}
