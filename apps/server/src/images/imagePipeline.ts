import { IMAGE_LIMITS } from '@tsudoi/protocol';
import sharp, { type Metadata } from 'sharp';
import { AppError } from '../errors.js';
import { CONTENT_TYPES, carriesMarkup, detectImageFormat, type ImageFormat } from './imageType.js';

export interface ProcessedImage {
  format: ImageFormat;
  contentType: string;
  width: number;
  height: number;
  /** The re-encoded image: new bytes, no metadata (EXIF incl. GPS, XMP, comments), upright. */
  full: Buffer;
  /** A still thumbnail (WebP) for chat, at most `thumbSize` on its longest side. */
  thumb: Buffer;
}

export interface PipelineLimits {
  maxBytes: number;
  maxPixels: number;
  thumbSize: number;
}

const DEFAULTS: PipelineLimits = {
  maxBytes: IMAGE_LIMITS.maxBytes,
  maxPixels: IMAGE_LIMITS.maxPixels,
  thumbSize: IMAGE_LIMITS.thumbSize,
};

sharp.cache(false); // no decoded images kept between uploads (memory, and other users' pixels)
sharp.concurrency(1); // one libvips thread per upload: uploads must not starve media and sockets

const refuseType = () =>
  new AppError('IMAGE_TYPE_NOT_ALLOWED', 'Only JPEG, PNG, WebP and GIF images can be uploaded.');
const invalid = () => new AppError('IMAGE_INVALID', 'This file is not a valid image.');

/**
 * Checks an upload and re-encodes it. In order, each step before any pixel is decoded:
 * size → type from the signature → no markup/script inside (polyglots) → the header's dimensions and frame
 * count within `maxPixels` (decompression bombs) → the decoder's own pixel limit as a backstop → decode,
 * auto-orient, re-encode in the same format without metadata → thumbnail.
 */
export async function processImage(
  bytes: Uint8Array,
  limits: Partial<PipelineLimits> = {},
): Promise<ProcessedImage> {
  const l = { ...DEFAULTS, ...limits };
  if (bytes.byteLength === 0) throw invalid();
  if (bytes.byteLength > l.maxBytes)
    throw new AppError('IMAGE_TOO_LARGE', `Images can be at most ${Math.floor(l.maxBytes / 1048576)} MB.`);
  const format = detectImageFormat(bytes);
  if (!format) throw refuseType();
  if (carriesMarkup(bytes)) throw invalid();

  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let meta: Metadata;
  try {
    // Reads the header only; no limit here so an oversized header is reported as such, not as "invalid".
    meta = await sharp(input, { limitInputPixels: false, animated: true }).metadata();
  } catch {
    throw invalid();
  }
  if (meta.format !== format) throw invalid(); // e.g. a PNG signature in front of other data
  const width = meta.width ?? 0;
  const frameHeight = meta.pageHeight ?? meta.height ?? 0;
  const frames = meta.pages ?? 1;
  if (width <= 0 || frameHeight <= 0) throw invalid();
  if (width * frameHeight * frames > l.maxPixels || width * frameHeight > l.maxPixels) {
    throw new AppError(
      'IMAGE_TOO_MANY_PIXELS',
      `Images can have at most ${Math.round(l.maxPixels / 1e6)} megapixels.`,
    );
  }

  const animated = format === 'gif' || format === 'webp';
  const open = (anim: boolean) =>
    sharp(input, { limitInputPixels: l.maxPixels, animated: anim, failOn: 'error', sequentialRead: true });
  try {
    // `rotate()` applies the EXIF orientation; metadata is not copied (no keepMetadata/withMetadata).
    let pipeline = open(animated).rotate();
    if (format === 'jpeg')
      pipeline = pipeline.jpeg({ quality: 85 }); // libjpeg-turbo: mozjpeg was 3–5× slower here (24 MP: ~11 s vs ~3 s)
    else if (format === 'png') pipeline = pipeline.png({ compressionLevel: 9 });
    else if (format === 'webp') pipeline = pipeline.webp({ quality: 85 });
    else pipeline = pipeline.gif();
    const full = await pipeline.toBuffer({ resolveWithObject: true });
    const thumb = await open(false)
      .rotate()
      .resize(l.thumbSize, l.thumbSize, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    return {
      format,
      contentType: CONTENT_TYPES[format],
      width: full.info.width,
      height: full.info.pageHeight ?? full.info.height,
      full: full.data,
      thumb,
    };
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw invalid();
  }
}
