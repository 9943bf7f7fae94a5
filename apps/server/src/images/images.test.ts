import fs from 'node:fs';
import path from 'node:path';
import type { ChatMessageView, ChatPurged } from '@tsudoi/protocol';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/apiClient.js';
import { gifBomb, HTML, hasGpsIfd, jpegWithGps, PDF, pngBomb, SVG, solid } from '../testing/imageFixtures.js';
import { upload } from '../testing/rawUpload.js';
import { nextEvent, TestSockets } from '../testing/sockets.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

// R16: images are checked by their bytes, re-encoded without metadata, served only inside their workspace,
// and message images go with their message.

let t: TestApp;
let sockets: TestSockets;
let aiko: ApiClient;
let ben: ApiClient;
let outsider: ApiClient;
let wsId: string;
let otherWs: string;
let benId: string;

/** GET as the browser does, keeping the raw bytes and headers. */
async function raw(c: ApiClient, p: string, headers: Record<string, string> = {}) {
  const res = await fetch(c.baseUrl + p, {
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...headers },
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
const put = (c: ApiClient, ws: string, kind: string, body: Uint8Array | string, type = 'image/jpeg') =>
  upload(c, `/api/workspaces/${ws}/images?kind=${kind}`, body, type);
const blobFiles = () => {
  const root = path.join(t.storeEnv.DATA_DIR!, 'blobs', wsId, 'images');
  return fs.existsSync(root) ? fs.readdirSync(root) : [];
};

beforeAll(async () => {
  t = await startTestApp();
  sockets = new TestSockets(t.app.url);
  aiko = await t.signedInUser('aiko@example.com');
  wsId = (await aiko.post('/api/workspaces', { name: 'Pictures Co' })).body.id;
  ben = await t.joinedMember(aiko, wsId, 'ben@example.com');
  benId = (await ben.get('/api/session')).body.user.id;
  outsider = await t.signedInUser('olga@example.com');
  otherWs = (await outsider.post('/api/workspaces', { name: 'Elsewhere' })).body.id;
}, 60_000);
afterEach(() => sockets.closeAll());
afterAll(() => t?.close());

describe('uploads refuse what is not a clean image (R16)', () => {
  it.each([
    [
      'a JPEG with a script appended',
      async () => Buffer.concat([await solid(16, 16, 'jpeg'), Buffer.from('<script>alert(1)</script>')]),
      400,
      'IMAGE_INVALID',
    ],
    ['an SVG', async () => SVG, 415, 'IMAGE_TYPE_NOT_ALLOWED'],
    ['a renamed PDF', async () => PDF, 415, 'IMAGE_TYPE_NOT_ALLOWED'],
    ['an HTML page', async () => HTML, 415, 'IMAGE_TYPE_NOT_ALLOWED'],
    ['a 20,000×20,000 PNG', async () => pngBomb(20_000), 413, 'IMAGE_TOO_MANY_PIXELS'],
    ['a GIF bomb (60,000×60,000 in a few bytes)', gifBomb, 413, 'IMAGE_TOO_MANY_PIXELS'],
    ['a truncated JPEG', async () => (await solid(64, 64, 'jpeg')).subarray(0, 200), 400, 'IMAGE_INVALID'],
  ])('%s', async (_name, make, status, code) => {
    const before = blobFiles().length;
    const res = await put(ben, wsId, 'message', await make(), 'image/png');
    expect(res).toMatchObject({ status, body: { code } });
    expect(blobFiles()).toHaveLength(before); // nothing stored
  });

  it('refuses an upload over 10 MB without storing it; an empty body; an unknown kind', async () => {
    const big = Buffer.concat([await solid(16, 16, 'jpeg'), Buffer.alloc(10 * 1024 * 1024)]);
    expect(await put(ben, wsId, 'message', big)).toMatchObject({
      status: 413,
      body: { code: 'IMAGE_TOO_LARGE' },
    });
    expect(await put(ben, wsId, 'message', new Uint8Array(0))).toMatchObject({ status: 400 });
    expect(await put(ben, wsId, 'banner', await solid(8, 8, 'png'))).toMatchObject({ status: 400 });
  });

  it('accepts JPEG, PNG, WebP and GIF whatever type the request declares', async () => {
    for (const f of ['jpeg', 'png', 'webp', 'gif'] as const) {
      const res = await put(ben, wsId, 'message', await solid(40, 30, f), 'application/octet-stream');
      expect(res, f).toMatchObject({
        status: 200,
        body: { contentType: `image/${f}`, width: 40, height: 30 },
      });
    }
  });
});

describe('stored images', () => {
  it('a photo is stored re-encoded, without its EXIF GPS', async () => {
    const photo = await jpegWithGps();
    expect(hasGpsIfd((await sharp(photo).metadata()).exif)).toBe(true); // the fixture has GPS
    const up = await put(ben, wsId, 'profile', photo);
    expect(up).toMatchObject({ status: 200, body: { contentType: 'image/jpeg', width: 64, height: 48 } });
    expect((await aiko.get(`/api/workspaces/${wsId}/avatars`)).body.images[benId]).toBe(up.body.id);
    expect((await outsider.get(`/api/workspaces/${wsId}/avatars`)).status).toBe(404);
    expect((await raw(aiko, `/api/workspaces/${wsId}/avatars/${benId}?v=${up.body.id}`)).status).toBe(200);
    const stored = await t.app.store.images.get(wsId, up.body.id);
    expect(stored).toMatchObject({ kind: 'profile', ownerId: benId });
    const res = await raw(aiko, `/api/workspaces/${wsId}/avatars/${benId}`);
    expect(res.status).toBe(200);
    const meta = await sharp(res.bytes).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    expect(meta.exif).toBeUndefined();
    expect(hasGpsIfd(meta.exif)).toBe(false);
    expect(res.bytes.includes(Buffer.from('TsudoiTestCam'))).toBe(false);
    expect(res.bytes.equals(photo)).toBe(false);
  });

  it('is served with its real type, nosniff, inline, never cached (private, no-store)', async () => {
    await put(ben, wsId, 'profile', await solid(20, 20, 'png'));
    const res = await raw(aiko, `/api/workspaces/${wsId}/avatars/${benId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe('inline; filename="image.png"');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });

  it('a new profile image replaces the old one, whose files are deleted', async () => {
    const first = await put(ben, wsId, 'profile', await solid(10, 10, 'png'));
    const second = await put(ben, wsId, 'profile', await solid(12, 12, 'png'));
    expect(blobFiles()).not.toContain(first.body.id);
    expect(blobFiles()).toContain(second.body.id);
    expect((await raw(aiko, `/api/workspaces/${wsId}/images/${first.body.id}`)).status).toBe(404);
    expect((await raw(aiko, `/api/workspaces/${wsId}/images/${second.body.id}`)).status).toBe(200);
  });

  it('is 404 for a member of another workspace, 401 signed out; unknown or malformed ids 404', async () => {
    const up = await put(ben, wsId, 'profile', await solid(10, 10, 'jpeg'));
    const paths = [
      `/api/workspaces/${wsId}/images/${up.body.id}`,
      `/api/workspaces/${wsId}/images/${up.body.id}/thumb`,
      `/api/workspaces/${wsId}/avatars/${benId}`,
    ];
    for (const p of paths) {
      expect((await raw(aiko, p)).status, p).toBe(200);
      expect((await raw(outsider, p)).status, p).toBe(404);
      expect((await raw(t.client(), p)).status, p).toBe(401);
    }
    // The outsider asking in their own workspace for the same id finds nothing either.
    expect((await raw(outsider, `/api/workspaces/${otherWs}/images/${up.body.id}`)).status).toBe(404);
    expect((await raw(aiko, `/api/workspaces/${wsId}/images/../../etc`)).status).toBe(404);
    expect((await raw(aiko, `/api/workspaces/${wsId}/images/not-a-uuid`)).status).toBe(404);
    expect((await put(outsider, wsId, 'message', await solid(8, 8, 'png'))).status).toBe(404);
  });

  it('a removed member’s profile image goes with them, files included', async () => {
    const dora = await t.joinedMember(aiko, wsId, 'dora@example.com');
    const doraId = (await dora.get('/api/session')).body.user.id;
    const up = await put(dora, wsId, 'profile', await solid(10, 10, 'png'));
    expect(blobFiles()).toContain(up.body.id);
    expect((await aiko.delete(`/api/workspaces/${wsId}/members/${doraId}`)).status).toBe(200);
    await expect.poll(() => blobFiles().filter((f) => f.startsWith(up.body.id))).toEqual([]);
    expect((await raw(aiko, `/api/workspaces/${wsId}/avatars/${doraId}`)).status).toBe(404);
    expect((await aiko.get(`/api/workspaces/${wsId}/avatars`)).body.images[doraId]).toBeUndefined();
  });

  it('the workspace image is set by an admin only', async () => {
    expect((await put(ben, wsId, 'workspace', await solid(30, 10, 'webp'))).status).toBe(403);
    expect((await put(aiko, wsId, 'workspace', await solid(30, 10, 'webp'))).status).toBe(200);
    const listed = (await ben.get(`/api/workspaces/${wsId}/avatars`)).body;
    expect(listed.workspaceImage).toEqual(expect.any(String));
    const res = await raw(ben, `/api/workspaces/${wsId}/image`);
    expect(res).toMatchObject({ status: 200 });
    expect(res.headers.get('content-type')).toBe('image/webp');
  });
});

describe('message images (R6–R8)', () => {
  it('show in the room, and when the room empties the image URL is 404 and its files are gone', async () => {
    const a = (await sockets.open(aiko, wsId)).s;
    const b = (await sockets.open(ben, wsId)).s;
    const roomId = (await a.emitWithAck('room:create', { name: 'Photos' })).data.id;
    await a.emitWithAck('room:join', { roomId });
    await b.emitWithAck('room:join', { roomId });
    const up = await put(aiko, wsId, 'message', await jpegWithGps());
    expect(up.status).toBe(200);
    const id: string = up.body.id;

    // Only the uploader can send their pending image.
    expect(
      await b.emitWithAck('chat:send', { to: { kind: 'room', roomId }, text: '', imageIds: [id] }),
    ).toMatchObject({ ok: false, error: { code: 'IMAGE_GONE' } });
    const got = nextEvent<ChatMessageView>(b, 'chat:message', (m) => (m.images?.length ?? 0) > 0);
    const sent = await a.emitWithAck('chat:send', { to: { kind: 'room', roomId }, text: '', imageIds: [id] });
    expect(sent).toMatchObject({ ok: true, data: { images: [{ id }] } });
    expect((await got).images).toEqual([{ id }]);
    // Sent once: it is the message's now.
    expect(
      await a.emitWithAck('chat:send', { to: { kind: 'room', roomId }, text: 'again', imageIds: [id] }),
    ).toMatchObject({ ok: false, error: { code: 'IMAGE_GONE' } });
    const history = await b.emitWithAck('chat:history', { to: { kind: 'room', roomId } });
    expect(history.data.messages[0].images).toEqual([{ id }]);
    const full = await raw(ben, `/api/workspaces/${wsId}/images/${id}`);
    const thumb = await raw(ben, `/api/workspaces/${wsId}/images/${id}/thumb`);
    expect([full.status, thumb.status]).toEqual([200, 200]);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect(blobFiles()).toEqual(expect.arrayContaining([id, `${id}.thumb`]));

    const purged = nextEvent<ChatPurged>(b, 'chat:purged', (p) => p.conversationId === roomId);
    await a.emitWithAck('room:leave', { roomId });
    await b.emitWithAck('room:leave', { roomId });
    await purged;
    expect((await raw(ben, `/api/workspaces/${wsId}/images/${id}`)).status).toBe(404);
    expect((await raw(ben, `/api/workspaces/${wsId}/images/${id}/thumb`)).status).toBe(404);
    expect(blobFiles().filter((f) => f.startsWith(id))).toEqual([]);
  });

  it('a message needs text or images; at most four images', async () => {
    const a = (await sockets.open(aiko, wsId)).s;
    const roomId = (await a.emitWithAck('room:create', { name: 'Empty' })).data.id;
    await a.emitWithAck('room:join', { roomId });
    expect(await a.emitWithAck('chat:send', { to: { kind: 'room', roomId }, text: '' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    const ids = Array.from({ length: 5 }, () => crypto.randomUUID());
    expect(
      await a.emitWithAck('chat:send', { to: { kind: 'room', roomId }, text: 'x', imageIds: ids }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('uploads are rate-limited per person', async () => {
    const chie = await t.joinedMember(aiko, wsId, 'chie@example.com');
    const png = await solid(4, 4, 'png');
    const codes: number[] = [];
    for (let i = 0; i < 21; i++) codes.push((await put(chie, wsId, 'message', png)).status);
    expect(codes.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(codes[20]).toBe(429);
    expect((await put(ben, wsId, 'message', png)).status).toBe(200); // others are not affected
  });
});

describe('images and time (runs last: it moves the clock)', () => {
  it('a pending upload never sent is deleted (files included) after an hour', async () => {
    const stale = await put(ben, wsId, 'message', await solid(10, 10, 'png'));
    const fresh = await put(ben, wsId, 'message', await solid(10, 10, 'png'));
    t.advance(61 * 60_000);
    const benAgain = await t.signedInAgain('ben@example.com'); // the old session idled out meanwhile
    const later = await put(benAgain, wsId, 'message', await solid(10, 10, 'png')); // each upload sweeps
    expect(later).toMatchObject({ status: 200 });
    expect(blobFiles()).not.toContain(stale.body.id);
    expect(blobFiles()).not.toContain(fresh.body.id);
    expect(blobFiles()).toContain(later.body.id);
    expect(await t.app.store.images.get(wsId, stale.body.id)).toBeUndefined();
  });

  it('the hourly sweep deletes expired pending uploads of every workspace without a new upload; fresh ones stay', async () => {
    t.advance(61 * 60_000);
    await t.app.images.sweep.runOnce(); // what earlier tests left pending goes first
    const benNow = await t.signedInAgain('ben@example.com');
    const olgaNow = await t.signedInAgain('olga@example.com');
    const stale = await put(benNow, wsId, 'message', await solid(10, 10, 'png'));
    expect(stale.body).toMatchObject({ id: expect.any(String) });
    const staleElsewhere = await put(olgaNow, otherWs, 'message', await solid(10, 10, 'png'));
    t.advance(30 * 60_000);
    const fresh = await put(
      await t.signedInAgain('ben@example.com'),
      wsId,
      'message',
      await solid(10, 10, 'png'),
    );
    expect(fresh.status).toBe(200);
    expect(await t.app.images.sweep.runOnce()).toBe(0); // nothing is an hour old yet
    expect(blobFiles()).toContain(stale.body.id);

    t.advance(31 * 60_000); // stale ones are 61 minutes old, the fresh one 31
    expect(await t.app.images.sweep.runOnce()).toBe(2);
    expect(blobFiles()).not.toContain(stale.body.id);
    expect(await t.app.store.images.get(wsId, stale.body.id)).toBeUndefined();
    expect(await t.app.store.images.get(otherWs, staleElsewhere.body.id)).toBeUndefined();
    const otherFiles = fs.readdirSync(path.join(t.storeEnv.DATA_DIR!, 'blobs', otherWs, 'images'));
    expect(otherFiles.filter((f) => f.startsWith(staleElsewhere.body.id))).toEqual([]);
    expect(blobFiles()).toContain(fresh.body.id);
    expect(await t.app.store.images.get(wsId, fresh.body.id)).toMatchObject({ kind: 'message' });
  });

  it('a thread message image goes with its message at the 30-day retention purge (R7): 404, files gone', async () => {
    const aikoNow = await t.signedInAgain('aiko@example.com');
    const benNow = await t.signedInAgain('ben@example.com');
    const a = (await sockets.open(aikoNow, wsId)).s;
    const thread = (await a.emitWithAck('thread:open', { memberIds: [benId] })).data;
    const up = await put(aikoNow, wsId, 'message', await solid(50, 40, 'webp'));
    const to = { kind: 'thread', threadId: thread.id };
    expect(await a.emitWithAck('chat:send', { to, text: 'look', imageIds: [up.body.id] })).toMatchObject({
      ok: true,
      data: { text: 'look', images: [{ id: up.body.id }] },
    });
    const url = `/api/workspaces/${wsId}/images/${up.body.id}`;
    expect((await raw(benNow, url)).status).toBe(200);
    a.close();

    t.advance(31 * 24 * 3_600_000 + 2 * 3_600_000); // quiet for 30 days, past the next 01:00
    const reports = await t.app.retention.runDue();
    expect(reports.reduce((n, r) => n + r.attachments, 0)).toBeGreaterThanOrEqual(2);
    expect(blobFiles().filter((f) => f.startsWith(up.body.id))).toEqual([]);
    expect((await raw(await t.signedInAgain('ben@example.com'), url)).status).toBe(404);
  });
});
