import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DELETION_GRACE_DAYS } from '@tsudoi/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../storage/blobStore.js';
import { ApiClient } from '../../testing/apiClient.js';
import { solid } from '../../testing/imageFixtures.js';
import { upload } from '../../testing/rawUpload.js';
import { TestSockets } from '../../testing/sockets.js';
import { startTestApp, type TestApp } from '../../testing/testApp.js';

/**
 * Leaving (issue 13): a deleted workspace is closed at once (no entry, open sockets end), restorable during
 * its grace period, then erased — no row, file or key of it left in DATA_DIR — while its contract log stays
 * and another workspace is untouched. Runs on either engine (`TEST_STORE=firestore`).
 */
const OPS = 'leaving-ops-token-0123456789';
const DAY = 86_400_000;

let t: TestApp;
let dataDir: string;
const sockets = () => new TestSockets(t.app.url);
let open: TestSockets;
const ops = (reason = 'contract 77 ended') => {
  const c = new ApiClient(t.app.url);
  c.headers.authorization = `Bearer ${OPS}`;
  c.headers['x-ops-reason'] = encodeURIComponent(reason);
  return c;
};

/** Every file under DATA_DIR whose bytes contain `needle`. */
function filesContaining(needle: string): string[] {
  const hits: string[] = [];
  for (const e of fs.readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    if (fs.readFileSync(file).includes(Buffer.from(needle))) hits.push(path.relative(dataDir, file));
  }
  return hits;
}

/**
 * A workspace with an owner, a member, a room with a message, and a workspace thread (R7: kept beyond the
 * room's emptying) with a sealed and a plaintext message, each carrying `marker`.
 */
async function seeded(prefix: string, marker: string) {
  const ownerEmail = `${prefix}-owner-${randomUUID().slice(0, 8)}@example.com`;
  const memberEmail = `${prefix}-member-${randomUUID().slice(0, 8)}@example.com`;
  const owner = await t.signedInUser(ownerEmail);
  const name = `Firm ${marker}`;
  const wsId = (await owner.post('/api/workspaces', { name })).body.id as string;
  const member = await t.joinedMember(owner, wsId, memberEmail);
  const ownerId = (await owner.get('/api/session')).body.user.id as string;
  const s = (await open.open(owner, wsId)).s;
  const roomId = (await s.emitWithAck('room:create', { name: `Room ${marker}` })).data.id as string;
  await s.emitWithAck('room:join', { roomId });
  const sent = await s.emitWithAck('chat:send', { to: { kind: 'room', roomId }, text: `hello ${marker}` });
  expect(sent.ok).toBe(true);
  const memberId = (await member.get('/api/session')).body.user.id as string;
  const threadId = (await s.emitWithAck('thread:open', { memberIds: [memberId] })).data.id as string;
  const inThread = { to: { kind: 'thread', threadId }, text: `thread ${marker}` };
  expect((await s.emitWithAck('chat:send', inThread)).ok).toBe(true);
  // Plaintext written around the encryption, so the grep below would find a leftover row.
  await t.app.store.messages.append({
    id: `zz-${randomUUID()}`,
    workspaceId: wsId,
    conversationId: threadId,
    senderId: ownerId,
    text: `plain ${marker}`,
    sentAt: new Date().toISOString(),
  });
  await new FsBlobStore(dataDir).put(`${wsId}/attachment-1`, Buffer.from(`file ${marker}`));
  return { owner, member, ownerEmail, memberEmail, wsId, name, roomId, threadId };
}

beforeAll(async () => {
  t = await startTestApp({ OPS_TOKEN: OPS });
  dataDir = t.storeEnv.DATA_DIR!;
});
afterAll(() => t?.close());
beforeAll(() => {
  open = sockets();
});
afterEach(() => open.closeAll());

describe('deleting a workspace', () => {
  it('needs its owner and the name typed again; an admin or a wrong name changes nothing', async () => {
    const { owner, wsId, name } = await seeded('confirm', `M-${randomUUID()}`);
    const admin = await t.joinedMember(
      owner,
      wsId,
      `confirm-admin-${randomUUID().slice(0, 8)}@example.com`,
      'admin',
    );
    expect((await admin.post(`/api/workspaces/${wsId}/deletion`, { confirmName: name })).status).toBe(403);
    const wrong = await owner.post(`/api/workspaces/${wsId}/deletion`, { confirmName: 'Firm' });
    expect(wrong).toMatchObject({ status: 400, body: { code: 'CONFIRMATION_MISMATCH' } });
    expect((await owner.get(`/api/workspaces/${wsId}`)).status).toBe(200);
  });

  it('closes at once: open sockets end within a second, no entry by HTTP, socket or a fresh sign-in', async () => {
    const { owner, member, wsId, name } = await seeded('close', `M-${randomUUID()}`);
    const memberSocket = (await open.open(member, wsId)).s;
    const told = new Promise<unknown>((resolve) => memberSocket.once('access:ended', resolve));
    const ended = new Promise<number>((resolve) =>
      memberSocket.once('disconnect', () => resolve(Date.now())),
    );
    const started = Date.now();
    const r = await owner.post(`/api/workspaces/${wsId}/deletion`, { confirmName: ` ${name} ` });
    expect(r).toMatchObject({ status: 200, body: { state: 'closed', workspaceId: wsId } });
    expect(Date.parse(r.body.eraseAfter) - Date.parse(r.body.requestedAt)).toBe(DELETION_GRACE_DAYS * DAY);
    expect((await ended) - started).toBeLessThan(1000);
    expect(await told).toEqual({ reason: 'workspaceClosed' }); // the page says the workspace was deleted

    for (const c of [owner, member]) {
      expect((await c.get(`/api/workspaces/${wsId}`)).status).toBe(404);
      expect((await c.get('/api/workspaces')).body.workspaces.map((w: { id: string }) => w.id)).not.toContain(
        wsId,
      );
      await expect(open.open(c, wsId)).rejects.toBe('NOT_FOUND');
    }
    const again = await t.signedInAgain((await member.get('/api/session')).body.user.email);
    expect((await again.get('/api/workspaces')).body.workspaces).toEqual([]);
    expect((await again.get(`/api/workspaces/${wsId}/members`)).status).toBe(404);
    await expect(open.open(again, wsId)).rejects.toBe('NOT_FOUND');
    // The close is in the contract log.
    const log = await t.app.store.contracts.listLog(wsId, 10);
    expect(log.map((e) => e.type)).toEqual(['workspace_closed']);
  });

  it('is restorable within the grace period by the owner or an operator, and not after it', async () => {
    const { owner, wsId, name } = await seeded('restore', `M-${randomUUID()}`);
    await owner.post(`/api/workspaces/${wsId}/deletion`, { confirmName: name });
    const stranger = await t.signedInUser(`restore-stranger-${randomUUID().slice(0, 8)}@example.com`);
    expect((await stranger.post(`/api/workspaces/${wsId}/restore`, {})).status).toBe(404);
    // The owner finds it among their deleted workspaces; nobody else does.
    const listed = (await owner.get('/api/workspaces/deleted')).body.workspaces;
    expect(listed).toEqual([{ id: wsId, name, eraseAfter: expect.any(String) }]);
    expect((await stranger.get('/api/workspaces/deleted')).body.workspaces).toEqual([]);
    expect((await owner.post(`/api/workspaces/${wsId}/restore`, {})).body.state).toBe('restored');
    expect((await owner.get(`/api/workspaces/${wsId}`)).body.name).toBe(name);
    await open.open(owner, wsId);

    // At the end of a contract an operator closes it; the operator restores it.
    const closed = await ops().post(`/api/ops/workspaces/${wsId}/deletion`, {});
    expect(closed.body).toMatchObject({ state: 'closed' });
    expect((await owner.get(`/api/workspaces/${wsId}`)).status).toBe(404);
    expect((await ops('customer renewed').post(`/api/ops/workspaces/${wsId}/restore`, {})).body.state).toBe(
      'restored',
    );
    expect((await owner.get(`/api/workspaces/${wsId}`)).status).toBe(200);
    expect((await ops().post(`/api/ops/workspaces/${wsId}/restore`, {})).body.code).toBe('NOT_RESTORABLE');
    const types = (await t.app.store.contracts.listLog(wsId, 10)).map((e) => `${e.type}:${e.actor.kind}`);
    expect(types).toEqual([
      'workspace_restored:operator',
      'workspace_closed:operator',
      'workspace_restored:owner',
      'workspace_closed:owner',
    ]);
  });

  it('after the grace period erases every row, file and key of it, keeps its contract log, and nothing of another workspace', async () => {
    const gone = `GONE-${randomUUID()}`;
    const kept = `KEPT-${randomUUID()}`;
    const a = await seeded('erase', gone);
    const b = await seeded('keep', kept);
    await ops().put(`/api/ops/workspaces/${a.wsId}/contract/holder`, {
      companyName: 'Leaving KK',
      billingContactName: 'Keiri',
      billingContactEmail: 'keiri@example.com',
    });
    expect((await t.app.dataKeys.existingKey(a.wsId)).length).toBe(32);
    const image = await upload(
      a.owner,
      `/api/workspaces/${a.wsId}/images?kind=workspace`,
      await solid(64, 48, 'png'),
      'image/png',
    );
    expect(image.status).toBe(200);
    await a.owner.post(`/api/workspaces/${a.wsId}/deletion`, { confirmName: a.name });

    // Not yet: one day before the grace period ends nothing is erased and it can still be restored.
    t.advance((DELETION_GRACE_DAYS - 1) * DAY);
    expect(await t.app.contracts.scheduler.runOnce()).toBe('ran');
    expect(await t.app.store.workspaces.get(a.wsId)).toBeDefined();
    t.advance(DAY);
    expect(await t.app.contracts.scheduler.runOnce()).toBe('ran');
    expect((await ops().post(`/api/ops/workspaces/${a.wsId}/restore`, {})).body.code).toBe('NOT_RESTORABLE');

    const status = await ops('erasure check').get(`/api/ops/workspaces/${a.wsId}/deletion`);
    expect(status.body).toMatchObject({ state: 'erased' });
    const counts = status.body.counts as Record<string, number>;
    expect(counts).toMatchObject({
      'workspace.workspaces': 1,
      'images.images': 1,
      'files.files': 3, // the image, its thumbnail and the attachment under blobs/<ws>
      'keys.dataKeys': 1,
    });
    expect(
      Object.entries(counts).filter(([k]) => /messages\.messages|rooms\.rooms|accounts\.memberships/.test(k)),
    ).toEqual(
      expect.arrayContaining([
        ['messages.messages', 2], // the thread's two (the room's went when it emptied, R6)
        ['rooms.rooms', 1],
        ['accounts.memberships', 2],
      ]),
    );
    // Nothing of it is reachable.
    expect(await t.app.store.workspaces.get(a.wsId)).toBeUndefined();
    expect(await t.app.store.rooms.list(a.wsId)).toEqual([]);
    expect(await t.app.store.messages.list(a.wsId, a.threadId)).toEqual([]);
    expect(await t.app.store.accessLog.list({ workspaceId: a.wsId, limit: 5 })).toEqual([]);
    expect(await t.app.store.contracts.get(a.wsId)).toBeUndefined();
    await expect(t.app.dataKeys.existingKey(a.wsId)).rejects.toThrow();
    // Nor in any file of DATA_DIR (the database, its WAL, the blobs), after the store's checkpoint.
    await t.app.store.flushDeletions();
    expect(filesContaining(gone)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'blobs', a.wsId))).toBe(false);
    // The contract log stays, with the erasure's counts.
    const log = await t.app.store.contracts.listLog(a.wsId, 10);
    expect(log.map((e) => e.type)).toEqual(['workspace_erased', 'workspace_closed', 'holder_changed']);
    expect(log[0]?.detail).toEqual({ counts });

    // The other workspace keeps everything (its people sign in again: 30 days passed).
    const [bOwner, bMember] = [await t.signedInAgain(b.ownerEmail), await t.signedInAgain(b.memberEmail)];
    expect((await bOwner.get(`/api/workspaces/${b.wsId}`)).body.name).toBe(b.name);
    expect(await t.app.store.messages.list(b.wsId, b.threadId)).toHaveLength(2);
    expect((await bMember.get(`/api/workspaces/${b.wsId}/members`)).body.members).toHaveLength(2);
    if (t.app.store.kind === 'sqlite') expect(filesContaining(kept).length).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(dataDir, 'blobs', b.wsId, 'attachment-1'))).toBe(true);
  });
});
