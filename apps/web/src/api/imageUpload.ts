import { type ImageUploadKind, imagePaths, isErrorBody, type UploadedImage } from '@tsudoi/protocol';
import { ApiError } from './http';

const csrfCookie = () => document.cookie.match(/(?:^|;\s*)(?:__Host-)?tsudoi_csrf=([^;]+)/)?.[1];

/**
 * Uploads an image file as the raw body (R16; the server decides what it is from the bytes). `onProgress`
 * gets the uploaded fraction (0–1): XMLHttpRequest, because fetch cannot report upload progress. Failures
 * throw {@link ApiError} with the server's code (IMAGE_TYPE_NOT_ALLOWED, IMAGE_TOO_LARGE, …).
 */
export async function uploadImage(
  workspaceId: string,
  kind: ImageUploadKind,
  file: Blob,
  onProgress?: (fraction: number) => void,
): Promise<UploadedImage> {
  if (!csrfCookie()) await fetch('/api/session', { credentials: 'same-origin' });
  return new Promise<UploadedImage>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', imagePaths.upload(workspaceId, kind));
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    const csrf = csrfCookie();
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () =>
      reject(new ApiError({ code: 'UNAVAILABLE', message: 'The server cannot be reached.' }));
    xhr.onload = () => {
      let json: unknown;
      try {
        json = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        json = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(json as UploadedImage);
      else
        reject(new ApiError(isErrorBody(json) ? json : { code: 'INTERNAL', message: `HTTP ${xhr.status}` }));
    };
    xhr.send(file);
  });
}
