import { type Browser, expect, type Page, request } from '@playwright/test';
import type { ApiUser } from './apiAccounts';

/**
 * How long set-up steps (a page opening, a first join) may take. Not a product promise: it only keeps a
 * busy machine (two cores shared by other work) from failing a test before it measures anything.
 */
export const SETUP_MS = 30_000;

/** Live media counts from the operator endpoint (`OPS_TOKEN` must match the server's). */
export interface OpsStats {
  media: {
    rooms: number;
    peers: number;
    routers: number;
    transports: number;
    producers: number;
    consumers: number;
    /** Media links to other nodes, and rooms held here as a satellite of another node's (issue 14). */
    links: number;
    satellites: number;
  };
  mediaWorkerPids: number[];
  mediaWorkerLoad?: Array<{ pid: number; routers: number }>;
}

export async function opsStats(baseUrl: string, token: string): Promise<OpsStats> {
  const api = await request.newContext({ baseURL: baseUrl });
  try {
    // Every operator read carries a reason (R22: operators/operatorAuth.ts); it lands in the operator audit log.
    const res = await api.get('/api/ops/stats', {
      headers: { authorization: `Bearer ${token}`, 'x-ops-reason': 'e2e media counts' },
    });
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
  // Turns on the app's media trace (apps/web/src/media/mediaTrace.ts): read with {@link mediaTrace}.
  (window as unknown as { __tsudoiMediaTrace: unknown[] }).__tsudoiMediaTrace = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      w.__e2ePcs.push(this);
    }
  } as typeof RTCPeerConnection;
}

/** One step of a page's way back into the room's media (see apps/web/src/media/mediaTrace.ts). */
export interface TraceEntry {
  at: number;
  step: string;
  detail?: string;
}

/** The page's media trace entries since `since` (Date.now() of this machine; pages share its clock). */
export function mediaTrace(page: Page, since: number): Promise<TraceEntry[]> {
  return page.evaluate(
    (since) =>
      ((window as unknown as { __tsudoiMediaTrace?: TraceEntry[] }).__tsudoiMediaTrace ?? []).filter(
        (e) => e.at >= since,
      ),
    since,
  );
}

/**
 * Where a page's seconds went after a restart, as one line: each traced step with its time in ms after
 * `zero` (the server listening again), and `flowing` = when the test first saw each remote stream grow.
 * Peer ids are shortened to their first 4 characters.
 */
export function traceLine(entries: TraceEntry[], zero: number, flowing: Array<[string, number]>): string {
  const short = (d?: string) => (d ? ` ${d.replace(/([0-9a-f]{4})[0-9a-f-]{20,}/gi, '$1')}` : '');
  const steps = entries.map((e) => `${e.step}${short(e.detail)} ${e.at - zero}`);
  const flows = flowing.map(([k, at]) => `flowing ${short(k).trim()} ${at - zero}`);
  return [...steps, ...flows].join(' | ');
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
  await page.addInitScript(installFlowReader);
  await page.goto(`${baseUrl}/w/${workspaceId}`);
  // Set-up, not a product promise: a busy machine may take a while to start a page.
  await expect(page.getByTestId('floor')).toBeVisible({ timeout: SETUP_MS });
  return page;
}

/** An admin's page creates a room and waits until it shows on that page's floor. */
export async function createRoom(page: Page, name: string): Promise<void> {
  await page.getByLabel('Room name').fill(name);
  await page.getByRole('button', { name: 'Create room' }).click();
  await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
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

/** The room view is live in the given room (the default wait is for set-up; pass a product bound). */
export async function expectInRoom(page: Page, roomName: string, timeout = SETUP_MS): Promise<void> {
  const view = page.getByTestId('room-view');
  await expect(view.getByRole('heading', { name: `Audio and video in ${roomName}` })).toBeVisible({
    timeout,
  });
  await expect(view).toHaveAttribute('data-phase', 'live', { timeout });
}

/** One remote stream a page plays: the receiving track and how much of it arrived so far. */
export interface Flow {
  trackId: string;
  packetsReceived: number;
  framesDecoded: number;
  /** Date.now() in the page when these stats were read (the page shares this machine's clock). */
  at: number;
}

/**
 * Every remote stream a page plays right now, keyed `${peerId}/audio` and `${peerId}/camera`, read from the
 * receivers' getStats() (streams whose peer connection is closed are left out).
 */
export function flows(page: Page): Promise<Record<string, Flow>> {
  return page.evaluate(() =>
    (window as unknown as { __e2eFlows: () => Promise<Record<string, Flow>> }).__e2eFlows(),
  );
}

/** Installed in every page by {@link openFloor}: `__e2eFlows()` reads the remote streams' inbound-rtp. */
function installFlowReader() {
  type F = { trackId: string; packetsReceived: number; framesDecoded: number; at: number };
  const w = window as unknown as {
    __e2ePcs: RTCPeerConnection[];
    __e2eFlows: () => Promise<Record<string, F>>;
  };
  w.__e2eFlows = async () => {
    const pcs = w.__e2ePcs.filter((pc) => pc.connectionState !== 'closed');
    const elements = [
      ...document.querySelectorAll<HTMLMediaElement>('audio[data-testid="tile-audio"][data-peer]'),
      ...document.querySelectorAll<HTMLMediaElement>(
        '[data-testid="tile"][data-peer] video[data-testid="tile-camera"]',
      ),
    ];
    const out: Record<string, F> = {};
    // All receivers at once (a busy page answers each getStats late; one after another adds up).
    await Promise.all(
      elements.map(async (el) => {
        const isAudio = el.tagName === 'AUDIO';
        const peer = isAudio
          ? el.dataset.peer
          : el.closest<HTMLElement>('[data-testid="tile"]')?.dataset.peer;
        const track = (el.srcObject as MediaStream | null)?.getTracks()[0];
        if (!peer || !track) return;
        const receiver = pcs.flatMap((pc) => pc.getReceivers()).find((r) => r.track.id === track.id);
        if (!receiver) return;
        const stats = await receiver.getStats();
        const at = Date.now();
        stats.forEach((s) => {
          if (s.type === 'inbound-rtp')
            out[`${peer}/${isAudio ? 'audio' : 'camera'}`] = {
              trackId: track.id,
              packetsReceived: s.packetsReceived ?? 0,
              framesDecoded: s.framesDecoded ?? 0,
              at,
            };
        });
      }),
    );
    return out;
  };
}

/**
 * Waits until every page plays every other participant's camera (frames decoded grow) and audio (packets
 * arrive), polling all pages together: a stream counts as flowing once a later sample of the same track
 * exceeds the first one seen (so slow polls on a busy machine still see it), or — with `before` — once a
 * track that is new since then shows any progress. Resolves with the time each
 * `page#peer/source` was first seen flowing (read in the page; at most one poll late); fails after `timeoutMs` naming what
 * never came.
 */
export async function expectMediaEverywhere(
  pages: Page[],
  peerIds: string[],
  timeoutMs: number,
  /** Participants who are muted: their audio is not expected (only their camera). */
  muted: string[] = [],
  /**
   * The tracks the pages played before the wait began (e.g. before a restart). Given, any other track is new
   * and started from nothing, so its first sample with frames decoded (audio: packets) already shows it
   * flowing — it is not held back by one more poll, which takes seconds on a busy machine.
   */
  before?: ReadonlySet<string>,
): Promise<Map<string, number>> {
  const want = pages.flatMap((_, i) =>
    peerIds
      .filter((_, j) => j !== i)
      .flatMap((p) => (muted.includes(p) ? [`${i}#${p}/camera`] : [`${i}#${p}/audio`, `${i}#${p}/camera`])),
  );
  const base = new Map<string, Flow>();
  const seen = new Map<string, number>();
  await expect
    .poll(
      async () => {
        await Promise.all(
          pages.map(async (page, i) => {
            const now = await flows(page).catch(() => ({}) as Record<string, Flow>);
            for (const [stream, f] of Object.entries(now)) {
              const key = `${i}#${stream}`;
              const b = base.get(key);
              const progress = (x: Flow) => (stream.endsWith('/audio') ? x.packetsReceived : x.framesDecoded);
              if (!b || b.trackId !== f.trackId) {
                base.set(key, f);
                const fresh = before !== undefined && !before.has(f.trackId);
                if (fresh && progress(f) > 0 && !seen.has(key)) seen.set(key, f.at);
                continue;
              }
              const grew = progress(f) > progress(b);
              // When the page read the stats, not when the poll returned (a busy machine returns late).
              if (grew && !seen.has(key)) seen.set(key, f.at);
            }
          }),
        );
        return want.filter((k) => !seen.has(k));
      },
      { timeout: timeoutMs, intervals: [200], message: 'media flowing on every page (page#peer/source)' },
    )
    .toEqual([]);
  return new Map(want.map((k) => [k, seen.get(k)!]));
}
