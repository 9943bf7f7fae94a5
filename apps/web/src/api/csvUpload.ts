import { postRaw } from './rawUpload';

/**
 * POSTs a CSV file as the raw body (`content-type: text/csv`, whatever the browser thinks the file is) and
 * returns the JSON answer; `onProgress` gets the uploaded fraction (0–1). Failures throw `ApiError`.
 */
export function postCsv<T>(path: string, file: Blob, onProgress?: (fraction: number) => void): Promise<T> {
  return postRaw<T>(path, file, 'text/csv', onProgress);
}
