import fs from 'node:fs';
import os from 'node:os';
import { chromium, request } from '@playwright/test';
import { CHROMIUM_ARGS as ARGS, CHROMIUM_PATH } from '../e2e/support/chromium.mjs';
import { startServer as startBenchServer } from './support/server.mjs';

const JOINS = Number(process.env.JOINS ?? 20);
const PASSWORD = 'tsudoi bench password';

const startServer = () => startBenchServer('join', { MEDIA_WORKERS: process.env.MEDIA_WORKERS ?? '1' });

/** A user signed up, confirmed and signed in over HTTP; mail is read from /dev/inbox.json. */
async function signUp(baseURL, email, displayName) {
  const api = await request.newContext({ baseURL });
  const csrf = async () =>
    (await api.storageState()).cookies.find((c) => c.name === 'tsudoi_csrf')?.value ?? '';
  const post = async (p, data) => {
    const res = await api.post(p, { data, headers: { 'x-csrf-token': await csrf() } });
    if (!res.ok()) throw new Error(`${p}: ${res.status()} ${await res.text()}`);
    return res.json();
  };
  const mailTo = async (pattern, after) => {
    for (let i = 0; i < 100; i++) {
      const { messages } = await (await api.get('/dev/inbox.json')).json();
      const m = messages.find((x) => x.id > after && x.to.includes(email) && pattern.test(x.text));
      if (m) return m;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no mail to ${email} matching ${pattern}`);
  };
  const lastId = async () => (await (await api.get('/dev/inbox.json')).json()).messages[0]?.id ?? 0;
  await api.get('/api/session');
  let after = await lastId();
  await post('/api/auth/signup', { email, password: PASSWORD, displayName, locale: 'en' });
  const verify = await mailTo(/verify\?token=/, after);
  await post('/api/auth/verify-email', {
    token: decodeURIComponent(verify.text.match(/verify\?token=([^\s&]+)/)[1]),
  });
  after = await lastId();
  await post('/api/auth/signin', { email, password: PASSWORD });
  const otp = await mailTo(/\b\d{6}\b/, after);
  const done = await post('/api/auth/otp/verify', { code: otp.text.match(/\b(\d{6})\b/)[1] });
  return { api, post, mailTo, lastId, email, userId: done.session.user.id };
}

/** Owner creates the workspace and invites the other user, who accepts. */
async function workspace(owner, member) {
  const ws = await owner.post('/api/workspaces', { name: 'Bench' });
  const after = await owner.lastId();
  await owner.post(`/api/workspaces/${ws.id}/invitations`, { email: member.email, role: 'member' });
  const { text } = await member.mailTo(/\/invite\//, after);
  await member.post(`/api/invitations/${text.match(/\/invite\/(\S+)/)[1]}/accept`, {});
  return ws.id;
}

async function openFloor(browser, baseURL, user, wsId) {
  const context = await browser.newContext({
    storageState: await user.api.storageState(),
    locale: 'en-US',
    permissions: ['microphone', 'camera'],
  });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__benchPcs = [];
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(config) {
        super(config);
        window.__benchPcs.push(this);
      }
    };
  });
  await page.goto(`${baseURL}/w/${wsId}`);
  await page.getByTestId('floor').waitFor();
  return page;
}

const card = (page, name) =>
  page.getByTestId('room').filter({ has: page.getByRole('heading', { name, exact: true }) });

/** Clicks "Drop in" and resolves with the ms until the host's video has a decoded frame on this page. */
async function timedJoin(page, roomName, hostId) {
  const button = await card(page, roomName).getByRole('button', { name: 'Drop in' }).elementHandle();
  return page.evaluate(
    async ({ button, hostId }) => {
      const t0 = performance.now();
      button.click();
      for (;;) {
        const video = document.querySelector(
          `[data-testid="tile"][data-peer="${hostId}"] video[data-testid="tile-camera"]`,
        );
        const track = video?.srcObject?.getVideoTracks()[0];
        if (track) {
          for (const pc of window.__benchPcs) {
            const receiver = pc.getReceivers().find((r) => r.track.id === track.id);
            if (!receiver) continue;
            for (const s of (await receiver.getStats()).values())
              if (s.type === 'inbound-rtp' && s.framesDecoded > 0) return performance.now() - t0;
          }
        }
        if (performance.now() - t0 > 20_000) throw new Error('no decoded frame in 20 s');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    { button, hostId },
  );
}

async function leave(page, roomName) {
  await card(page, roomName).getByRole('button', { name: 'Leave' }).click();
  await page.getByTestId('room-view').waitFor({ state: 'detached' });
  // Let the server close the old consumers before the next join.
  await page.waitForTimeout(300);
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

const server = await startServer();
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: ARGS,
});
try {
  const host = await signUp(server.url, 'host@example.com', 'Host');
  const guest = await signUp(server.url, 'guest@example.com', 'Guest');
  const wsId = await workspace(host, guest);
  const hostPage = await openFloor(browser, server.url, host, wsId);
  await hostPage.getByLabel('Room name').fill('Bench');
  await hostPage.getByRole('button', { name: 'Create room' }).click();
  await card(hostPage, 'Bench').getByRole('button', { name: 'Drop in' }).click();
  await hostPage.getByTestId('room-view').waitFor();
  await hostPage.getByTestId('toggle-camera').click();
  await hostPage.getByTestId('self-camera').waitFor();

  const page = await openFloor(browser, server.url, guest, wsId);
  const warmup = await timedJoin(page, 'Bench', host.userId);
  await leave(page, 'Bench');
  const times = [];
  for (let i = 0; i < JOINS; i++) {
    times.push(await timedJoin(page, 'Bench', host.userId));
    await leave(page, 'Bench');
  }
  const sorted = [...times].sort((a, b) => a - b);
  const result = {
    joins: JOINS,
    warmupMs: Math.round(warmup),
    medianMs: Math.round(quantile(sorted, 0.5)),
    p95Ms: Math.round(quantile(sorted, 0.95)),
    minMs: Math.round(sorted[0]),
    maxMs: Math.round(sorted.at(-1)),
    cpus: os.cpus().length,
    chromium: browser.version(),
  };
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await server.stop();
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}
