import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsBlobStore } from './blobStore.js';

describe('FsBlobStore', () => {
  const dirs: string[] = [];
  const make = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsudoi-blobs-'));
    dirs.push(dir);
    return new FsBlobStore(dir);
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('puts, finds and really deletes a blob (the file is gone)', async () => {
    const blobs = make();
    await blobs.put('ws-1/img.png', new Uint8Array([1, 2, 3]));
    expect(await blobs.has('ws-1/img.png')).toBe(true);
    const file = path.join(blobs.root, 'ws-1', 'img.png');
    expect([...fs.readFileSync(file)]).toEqual([1, 2, 3]);
    expect([...((await blobs.get('ws-1/img.png')) ?? [])]).toEqual([1, 2, 3]);
    await blobs.delete('ws-1/img.png');
    expect(await blobs.get('ws-1/img.png')).toBeUndefined();
    expect(await blobs.has('ws-1/img.png')).toBe(false);
    expect(fs.existsSync(file)).toBe(false);
    await blobs.delete('ws-1/img.png'); // idempotent
    expect(fs.readdirSync(path.join(blobs.root, 'ws-1'))).toEqual([]); // no temp files left
  });

  it('leaves no half-written copy behind when a put fails', async () => {
    const blobs = make();
    // A directory where the file should go makes the final rename fail after the bytes were written.
    fs.mkdirSync(path.join(blobs.root, 'ws-1', 'img.png', 'occupied'), { recursive: true });
    await expect(blobs.put('ws-1/img.png', new Uint8Array([7, 7, 7]))).rejects.toThrow();
    expect(fs.readdirSync(path.join(blobs.root, 'ws-1'))).toEqual(['img.png']);
  });

  it('refuses keys that could escape its directory', async () => {
    const blobs = make();
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a\\b', '', 'a//b', '.hidden']) {
      await expect(blobs.put(key, new Uint8Array([0])), key).rejects.toThrow(TypeError);
      await expect(blobs.get(key), key).rejects.toThrow(TypeError);
    }
  });
});
