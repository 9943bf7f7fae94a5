import type { Page } from '@playwright/test';
import { SmtpSink } from '../../apps/server/src/testing/smtpSink';
import { CAMERA_FPS, layerForTileHeight, WARM_LAYER_FPS } from '../../apps/web/src/media/mediaPolicy';
import { type ApiUser, apiSignUp, apiWorkspace } from '../support/apiAccounts';
import { createRoom, dropIn, expectDecoding, expectInRoom, openFloor } from '../support/media';
import { startServer, type TestServer } from '../support/server';
import { expect, test } from '../support/test';

// Dynacast (issues 9 and 14): a camera encodes the simulcast layers its viewers' tiles take at full rate and
// keeps the next one up warm (a few frames a second, so a growing tile gets it at once); the layers above are
// off. The sender starts with the lowest layer, adds the larger ones when a viewer's tile grows and drops them
// when it shrinks.
let server: TestServer;
let mail: SmtpSink;
let users: ApiUser[];
let workspaceId: string;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(60_000);
  mail = await SmtpSink.start();
  server = await startServer({ SMTP_URL: mail.url, DEV_MAIL_INBOX: '0' });
  users = [];
  for (const name of ['Gen', 'Hana'])
    users.push(await apiSignUp(server.url, mail, `${name.toLowerCase()}@example.com`, name));
  workspaceId = await apiWorkspace(mail, users[0]!, 'Layer Lab', users.slice(1));
  const owner = await openFloor(browser, server.url, users[0]!, workspaceId);
  await createRoom(owner, 'Talk');
  await owner.context().close();
});

test.afterAll(async () => {
  await server?.stop();
  await mail?.close();
  for (const u of users ?? []) await u.api.dispose();
});

interface Layer {
  rid: string;
  active: boolean;
  /** The frame rate the page asked this encoding for (full, or warm for the layer above the ones taken). */
  maxFramerate: number | null;
  bytesSent: number;
  /** Why the browser's encoder holds this layer back ('cpu' on a starved machine, 'none' otherwise). */
  limitedBy: string;
}

/** The sender's camera layers: which encodings are switched on, and the bytes each has sent so far. */
function cameraLayers(page: Page): Promise<Layer[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __e2ePcs: RTCPeerConnection[] }).__e2ePcs;
    const sender = pcs
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getSenders())
      .find((s) => s.track?.kind === 'video' && s.getParameters().encodings.length > 1);
    if (!sender) return [];
    const sent = new Map<string, { bytes: number; limitedBy: string }>();
    (await sender.getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp' && s.rid)
        sent.set(s.rid, { bytes: s.bytesSent ?? 0, limitedBy: s.qualityLimitationReason ?? 'none' });
    });
    return sender.getParameters().encodings.map((e) => ({
      rid: e.rid ?? '',
      active: e.active !== false,
      maxFramerate: e.maxFramerate ?? null,
      bytesSent: sent.get(e.rid ?? '')?.bytes ?? 0,
      limitedBy: sent.get(e.rid ?? '')?.limitedBy ?? 'none',
    }));
  });
}

/** The layer the viewer's tile of `peerId`'s camera needs, from its rendered height (as the page reports it). */
async function layerWanted(viewer: Page, peerId: string): Promise<number> {
  const height = await viewer
    .locator(`[data-testid="tile"][data-peer="${peerId}"] video[data-testid="tile-camera"]`)
    .evaluate((el) => el.closest<HTMLElement>('.tile-media')?.clientHeight ?? 0);
  return layerForTileHeight(height) ?? 0;
}

/**
 * Waits until layers 0…top run at full rate at the sender, layer top + 1 runs warm and the layers above it
 * are off and send nothing more.
 */
async function expectSending(sender: Page, top: number): Promise<number> {
  const started = Date.now();
  const rate = (i: number) => (i <= top ? CAMERA_FPS : i === top + 1 ? WARM_LAYER_FPS : 'off');
  await expect
    .poll(async () => (await cameraLayers(sender)).map((l) => (l.active ? l.maxFramerate : 'off')), {
      message: `sender encodes layers 0…${top}, the next one warm`,
      timeout: 15_000,
    })
    .toEqual([0, 1, 2].map(rate));
  const switched = Date.now() - started;
  if (top + 1 < 2) {
    // Switched off: its byte count stands still between two samples a second apart. Consecutive samples: the
    // encoder may finish a frame or two after `active` went false, so the count is compared with the last
    // sample, not with the first (which a late frame would leave behind for good).
    let before = (await cameraLayers(sender))[2]!.bytesSent;
    await expect
      .poll(
        async () => {
          const now = (await cameraLayers(sender))[2]!.bytesSent;
          const grew = now - before;
          before = now;
          return grew;
        },
        { message: 'the top layer sends nothing', intervals: [1_000] },
      )
      .toBe(0);
  }
  // The highest active layer really flows — unless the browser itself holds it back: for want of CPU (WebRTC's
  // CPU adaptation) or of estimated bandwidth (its congestion control: on a machine loaded with busy loops the
  // delayed feedback keeps the estimate under the top layer's bitrate, seen as `bandwidth` with 0 bytes sent).
  // Neither is Tsudoi's choice, which is the `active` flag checked above.
  const first = (await cameraLayers(sender))[top]!.bytesSent;
  let heldBack = '';
  let last: Layer[] = [];
  await expect
    .poll(
      async () => {
        last = await cameraLayers(sender);
        const layer = last[top]!;
        heldBack = layer.limitedBy === 'cpu' || layer.limitedBy === 'bandwidth' ? layer.limitedBy : '';
        return layer.bytesSent > first || heldBack !== '';
      },
      { message: `layer ${top} flows (or the browser reports it held back for CPU or bandwidth)` },
    )
    .toBe(true)
    .catch((err: Error) => {
      throw new Error(`${err.message}\nsender's layers at the end: ${JSON.stringify(last)} (first ${first})`);
    });
  if (heldBack) {
    test.info().annotations.push({
      type: 'held back by the browser',
      description: `layer ${top}: qualityLimitationReason ${heldBack}`,
    });
    console.log(`dynacast: layer ${top} on but held back by the browser (${heldBack}; a busy machine)`);
  }
  return switched;
}

test('a camera sends only the layers its viewer’s tile takes, and more when the tile grows', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const [sender, viewer] = await Promise.all(
    users.map((u) => openFloor(browser, server.url, u, workspaceId)),
  );
  for (const page of [sender!, viewer!]) {
    await dropIn(page, 'Talk');
    await expectInRoom(page, 'Talk');
  }
  await sender!.getByTestId('toggle-camera').click();
  await expect(sender!.getByTestId('self-camera')).toBeVisible();
  const senderId = users[0]!.userId;
  await expectDecoding(viewer!, senderId, 'camera');

  // A small window: the tile needs a low layer, and the sender's full-resolution layer stays off.
  await viewer!.setViewportSize({ width: 640, height: 480 });
  const small = await layerWanted(viewer!, senderId);
  expect(small, 'a small window shows a small tile').toBeLessThan(2);
  await expectSending(sender!, small);

  // A large window: the tile grows, the viewer asks for more, and the sender turns the layers on.
  await viewer!.setViewportSize({ width: 1920, height: 1200 });
  await expect
    .poll(() => layerWanted(viewer!, senderId), { message: 'a large window shows a large tile' })
    .toBe(2);
  const grewMs = await expectSending(sender!, 2);
  await expectDecoding(viewer!, senderId, 'camera');

  // Hiding the viewer's tiles (leaving the room) leaves the sender with the lowest layer again.
  await viewer!.getByRole('button', { name: 'Leave' }).first().click();
  await expectSending(sender!, 0);
  test.info().annotations.push({ type: 'layer on after the tile grew (ms)', description: String(grewMs) });
  console.log(`dynacast: the sender turned its top layer on ${grewMs} ms after the tile grew was seen`);
  await Promise.all([sender!, viewer!].map((p) => p.context().close()));
});
