import zlib from 'node:zlib';
import sharp from 'sharp';

/** Test images made on the fly (no binaries in the repository). */

export const solid = (width: number, height: number, format: 'jpeg' | 'png' | 'webp' | 'gif') =>
  sharp({ create: { width, height, channels: 3, background: '#3080f0' } })
    .toFormat(format)
    .toBuffer();

/** A photo as a phone writes it: camera make and a GPS position in its EXIF. */
export const jpegWithGps = () =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: '#08f' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'TsudoiTestCam' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '35/1 41/1 2200/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '139/1 41/1 3000/100',
      },
    })
    .toBuffer();

/** True when an EXIF block (sharp's `metadata().exif`) has a GPS directory (tag 0x8825 in IFD0). */
export function hasGpsIfd(exif: Buffer | undefined): boolean {
  if (!exif) return false;
  const tiff = exif.subarray(exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0);
  const le = tiff.subarray(0, 2).toString('latin1') === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd0 = u32(4);
  for (let i = 0; i < u16(ifd0); i++) if (u16(ifd0 + 2 + i * 12) === 0x8825) return true;
  return false;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
  return out;
}

/** A real, valid 1-bit PNG of `size`×`size` black pixels: a few dozen KB that decode to `size`² pixels. */
export function pngBomb(size = 20_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = Buffer.alloc(1 + Math.ceil(size / 8)); // filter byte 0 + zero bits
  const deflate = zlib.deflateSync(Buffer.concat(Array.from({ length: size }, () => row)), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflate),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A tiny GIF whose screen and frame claim 60000×60000 pixels (3.6 gigapixels once decoded). */
export async function gifBomb(): Promise<Buffer> {
  const b = Buffer.from(await solid(8, 8, 'gif'));
  b.writeUInt16LE(60_000, 6);
  b.writeUInt16LE(60_000, 8);
  let i = 13;
  if (b[10]! & 0x80) i += 3 * 2 ** ((b[10]! & 7) + 1); // global colour table
  while (b[i] === 0x21) {
    i += 2; // extension introducer + label, then sub-blocks up to the 0 terminator
    while (b[i] !== 0) i += b[i]! + 1;
    i++;
  }
  if (b[i] !== 0x2c) throw new Error('no image descriptor');
  b.writeUInt16LE(60_000, i + 5);
  b.writeUInt16LE(60_000, i + 7);
  return b;
}

export const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script></svg>',
);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
export const HTML = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');
