/**
 * What an upload really is, judged from its bytes only (the name and the declared type are ignored). Pure.
 */

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

export const CONTENT_TYPES: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The image format of these bytes by their signature, or undefined (SVG, PDF, HTML, anything else). */
export function detectImageFormat(b: Uint8Array): ImageFormat | undefined {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a'))) return 'gif';
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return 'webp';
  return undefined;
}

// Markup or script a browser, a PHP interpreter or a PDF reader would act on. Compressed image data
// holds one of these by chance with negligible probability; metadata (XMP) does not use them.
const MARKERS = [
  '<script',
  '<html',
  '<svg',
  '<iframe',
  '<body',
  '<!doctype',
  '<?php',
  '%pdf-',
  'javascript:',
];

/**
 * True when the bytes carry markup or script next to the image (a polyglot, e.g. a JPEG with HTML or a
 * script appended). Re-encoding would drop it anyway; such an upload is refused outright.
 */
export function carriesMarkup(b: Uint8Array): boolean {
  // latin1 maps bytes 1:1, so offsets and matches are exact; lower-cased for case-blind matching.
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1').toLowerCase();
  return MARKERS.some((m) => text.includes(m));
}

/** The format of an image we wrote (served bytes): the signature decides the `Content-Type`. */
export function contentTypeOf(b: Uint8Array): string | undefined {
  const f = detectImageFormat(b);
  return f && CONTENT_TYPES[f];
}
