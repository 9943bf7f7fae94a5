import { type Browser, expect, type Page, request } from '@playwright/test';
import type { ApiUser } from './apiAccounts';

/** Live media counts from the operator endpoint (`OPS_TOKEN` must match the server's). */
export interface OpsStats {
  media: {
    rooms: number;
    peers: number;
    routers: number;
    transports: number;
    producers: number;
    consumers: number;
  };
  mediaWorkerPids: number[];
  mediaWorkerLoad?: Array<{ pid: number; routers: number }>;
}

export async function opsStats(baseUrl: string, token: string): Promise<OpsStats> {
  const api = await request.newContext({ baseURL: baseUrl });
  try {
    const res = await api.get('/api/ops/stats', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status()).toBe(200);
    return (await res.json()) as OpsStats;
  } finally {
    await api.dispose();
  }
}

/**
 * Records every RTCPeerConnection the page creates, so a test can read the receivers' getStats() —
 * what the browser really decoded — without any debug hook in the app.
 */
function recordPeerConnections() {
  const w = window as unknown as { __e2ePcs: RTCPeerConnection[] };
  w.__e2ePcs = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      w.__e2ePcs.push(this);
    }
  } as typeof RTCPeerConnection;
}

/** What one tile's receiver has taken in so far (inbound-rtp); null = no such stream on the page. */
export interface Inbound {
  packetsReceived: number;
  framesDecoded: number;
  totalSamplesReceived: number;
}

/**
 * Inbound-rtp of the stream a page shows for a participant: `camera` / `screen` video elements and the
 * `audio` element, matched to their RTCRtpReceiver by track.
 */
export function inbound(
  page: Page,
  peerId: string,
  source: 'audio' | 'camera' | 'screen',
): Promise<Inbound | null> {
  return page.evaluate(
    async ({ peerId, source }) => {
      const selector =
        source === 'audio'
          ? `audio[data-testid="tile-audio"][data-peer="${peerId}"]`
          : source === 'camera'
            ? `[data-testid="tile"][data-peer="${peerId}"] video[data-testid="tile-camera"]`
            : `[data-testid="screen-tile"][data-peer="${peerId}"] video`;
      const el = document.querySelector(selector) as HTMLMediaElement | null;
      const track = (el?.srcObject as MediaStream | null)?.getTracks()[0];
      if (!track) return null;
      const pcs = (window as unknown as { __e2ePcs: RTCPeerConnection[] }).__e2ePcs;
      for (const pc of pcs) {
        if (pc.connectionState === 'closed') continue;
        const receiver = pc.getReceivers().find((r) => r.track.id === track.id);
        if (!receiver) continue;
        let found: { packetsReceived: number; framesDecoded: number; totalSamplesReceived: number } | null =
          null;
        (await receiver.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp')
            found = {
              packetsReceived: s.packetsReceived ?? 0,
              framesDecoded: s.framesDecoded ?? 0,
              totalSamplesReceived: s.totalSamplesReceived ?? 0,
            };
        });
        if (found) return found;
      }
      return null;
    },
    { peerId, source },
  );
}

const progressOf = (s: Inbound | null, source: 'audio' | 'camera' | 'screen') =>
  s === null ? -1 : source === 'audio' ? s.totalSamplesReceived : s.framesDecoded;

/** Waits until the page decodes a participant's stream: frames (video) or samples (audio) keep growing. */
export async function expectDecoding(
  page: Page,
  peerId: string,
  source: 'audio' | 'camera' | 'screen',
  timeout = 15_000,
): Promise<void> {
  let last = -1;
  await expect
    .poll(
      async () => {
        const now = progressOf(await inbound(page, peerId, source), source);
        const grew = last > 0 && now > last;
        last = now;
        return grew;
      },
      { timeout, intervals: [250, 500], message: `${source} of ${peerId} decoding` },
    )
    .toBe(true);
}

/** Waits until no audio packet of a participant arrives for a full second (paused at the SFU). */
export async function expectNoAudioPackets(page: Page, peerId: string, timeout = 10_000): Promise<void> {
  let last: number | null = null;
  await expect
    .poll(
      async () => {
        const now = (await inbound(page, peerId, 'audio'))?.packetsReceived ?? 0;
        const still = last !== null && now === last;
        last = now;
        return still;
      },
      { timeout, intervals: [1_000], message: `no audio packets from ${peerId}` },
    )
    .toBe(true);
}

/** A signed-in page on the workspace floor, recording its peer connections. */
export async function openFloor(
  browser: Browser,
  baseUrl: string,
  user: ApiUser,
  workspaceId: string,
): Promise<Page> {
  const context = await browser.newContext({
    storageState: await user.api.storageState(),
    locale: 'en-US',
    permissions: ['microphone', 'camera'],
  });
  const page = await context.newPage();
  await page.addInitScript(recordPeerConnections);
  await page.goto(`${baseUrl}/w/${workspaceId}`);
  await expect(page.getByTestId('floor')).toBeVisible();
  return page;
}

/** Clicks "Drop in" on a room's card (unless the user is still inside from an earlier page). */
export async function dropIn(page: Page, roomName: string): Promise<void> {
  const card = page
    .getByTestId('room')
    .filter({ has: page.getByRole('heading', { name: roomName, exact: true }) });
  const enter = card.getByRole('button', { name: 'Drop in' });
  const leave = card.getByRole('button', { name: 'Leave' });
  await expect(enter.or(leave)).toBeVisible();
  if (await enter.isVisible()) await enter.click();
}

/** The room view is live in the given room. */
export async function expectInRoom(page: Page, roomName: string, timeout = 15_000): Promise<void> {
  const view = page.getByTestId('room-view');
  await expect(view.getByRole('heading', { name: `Audio and video in ${roomName}` })).toBeVisible({
    timeout,
  });
  await expect(view).toHaveAttribute('data-phase', 'live', { timeout });
}
