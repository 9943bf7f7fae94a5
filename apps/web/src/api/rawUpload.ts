import { isErrorBody } from '@tsudoi/protocol';
import { ApiError, csrfCookie } from './http';

/**
 * POSTs a file as the raw body with the given content type (whatever the browser thinks the file is) and
 * returns the JSON answer; `onProgress` gets the uploaded fraction (0–1). XMLHttpRequest, because fetch
 * cannot report upload progress. Failures throw {@link ApiError} like `api()`, with the server's code.
 */
export async function postRaw<T>(
  path: string,
  file: Blob,
  contentType: string,
  onProgress?: (fraction: number) => void,
): Promise<T> {
  if (!csrfCookie()) await fetch('/api/session', { credentials: 'same-origin' });
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', contentType);
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
      if (xhr.status >= 200 && xhr.status < 300) resolve(json as T);
      else
        reject(new ApiError(isErrorBody(json) ? json : { code: 'INTERNAL', message: `HTTP ${xhr.status}` }));
    };
    xhr.send(file);
  });
}
