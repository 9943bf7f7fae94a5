import { describe, expect, it } from 'vitest';
import { carriesMarkup, contentTypeOf, detectImageFormat } from './imageType.js';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('image type from the bytes (R16)', () => {
  it('knows the four accepted signatures', () => {
    expect(detectImageFormat(bytes([0xff, 0xd8, 0xff, 0xe0], 'rest'))).toBe('jpeg');
    expect(detectImageFormat(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a], 'rest'))).toBe('png');
    expect(detectImageFormat(bytes('GIF89a', 'rest'))).toBe('gif');
    expect(detectImageFormat(bytes('GIF87a', 'rest'))).toBe('gif');
    expect(detectImageFormat(bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '))).toBe('webp');
    expect(contentTypeOf(bytes('GIF89a'))).toBe('image/gif');
  });

  it('refuses everything else, whatever it is called: SVG, PDF, HTML, other RIFF, truncated signatures', () => {
    for (const b of [
      bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      bytes('<?xml version="1.0"?><svg/>'),
      bytes('%PDF-1.7'),
      bytes('<!doctype html>'),
      bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt '),
      bytes([0xff, 0xd8]),
      bytes([0x89], 'PNG'),
      bytes('GIF88a'),
      bytes(''),
    ])
      expect(detectImageFormat(b), b.toString('latin1')).toBeUndefined();
  });

  it('finds markup or script hidden in an image (any case), not in plain image bytes', () => {
    const jpeg = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF', [0, 1, 2, 3, 0xff, 0xd9]);
    expect(carriesMarkup(jpeg)).toBe(false);
    for (const tail of [
      '<script>alert(1)</script>',
      '<SCRIPT src=x>',
      '<html>',
      '<svg onload=x>',
      '<?php echo 1;',
      '%PDF-1.4',
    ])
      expect(carriesMarkup(Buffer.concat([jpeg, bytes(tail)])), tail).toBe(true);
    // XMP metadata is XML but none of these: not refused for carrying it (re-encoding drops it).
    expect(carriesMarkup(bytes('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'))).toBe(false);
  });
});
