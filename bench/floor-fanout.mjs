import fs from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import {
  BULK_LIMITS,
  openSocket,
  pool,
  processStats,
  request,
  seedWorkspace,
  sleep,
  summary,
} from './support/people.mjs';
import { startServer as startBenchServer } from './support/server.mjs';

const MEMBERS = Number(process.env.MEMBERS ?? 100);
const ROUNDS = Number(process.env.ROUNDS ?? 50);
/** Share of people with a second open tab (a second socket of the same session). */
const SECOND_TABS = Number(process.env.SECOND_TABS ?? 0.2);
/** Sign-ups and socket handshakes in flight at once. */
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
/** Longest wait for one event to reach everyone; a socket that has not heard by then counts as missed. */
const EVENT_TIMEOUT_MS = 5_000;
/** The whole run gives up (and stops its server) after this long. */
const RUN_TIMEOUT_MS = Number(process.env.RUN_TIMEOUT_MS ?? 15 * 60_000);

/* ---------- the server ---------- */

const startServer = () => startBenchServer('fanout', BULK_LIMITS);

/**
 * A socket of `person` that reports every room update (alone or gathered in `floor:changed`) to
 * `onRoomUpdated(socketIndex, room)`; resolves once the floor snapshot arrived.
 */
const openFanoutSocket = (url, person, wsId, index, onRoomUpdated) =>
  openSocket(url, person, wsId, (s) => {
    s.on('floor:roomUpdated', (room) => onRoomUpdated(index, room));
    // A busy floor gathers changes into one floor:changed (apps/server/src/realtime/floorPushes.ts).
    s.on('floor:changed', (c) => {
      for (const room of c.rooms) onRoomUpdated(index, room);
      // A big room the page has comes as participant changes (apps/server/src/realtime/floorPushes.ts).
      for (const d of c.participants ?? []) onRoomUpdated(index, { id: d.roomId, change: d });
    });
  });

/** Whether `userId` is in the room after this update: a whole room says; a change may not name them. */
function insideAfter(room, userId) {
  if (!room.change) return room.participants.some((p) => p.userId === userId);
  if (room.change.upsert.some((p) => p.userId === userId)) return true;
  return room.change.remove.includes(userId) ? false : undefined;
}

/* ---------- the run ---------- */

const server = await startServer();
const sockets = [];
const giveUp = setTimeout(async () => {
  console.error(`floor-fanout: gave up after ${RUN_TIMEOUT_MS / 1000} s`);
  for (const s of sockets) s.close();
  await server.stop();
  fs.rmSync(server.dataDir, { recursive: true, force: true });
  process.exit(2);
}, RUN_TIMEOUT_MS);
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, async () => {
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
    process.exit(130);
  });

let failed = false;
try {
  const idle = processStats(server.pid);
  let t = performance.now();
  const { ws, people } = await seedWorkspace(server.url, MEMBERS, CONCURRENCY);
  const signupSeconds = (performance.now() - t) / 1000;
  console.log(
    `signed up ${people.length} people and joined them to the workspace in ${signupSeconds.toFixed(1)} s`,
  );
  const afterSignup = processStats(server.pid);

  // One socket per person, then a second tab for a share of them (spread evenly).
  const tabs = people.map((p) => ({ person: p }));
  const secondTabs = Math.round(people.length * SECOND_TABS);
  for (let k = 0; k < secondTabs; k++)
    tabs.push({ person: people[Math.floor((k * people.length) / secondTabs)] });

  // The event being measured: every socket but the mover's records the delay to the matching update.
  let current;
  const onRoomUpdated = (index, room) => {
    const now = performance.now();
    const e = current;
    if (!e || index === e.from || e.arrived[index] !== undefined || room.id !== e.roomId) return;
    if (insideAfter(room, e.userId) !== e.inside) return;
    e.arrived[index] = now - e.t0;
    if (++e.count === e.expected) e.done();
  };
  t = performance.now();
  const opened = await pool(tabs, CONCURRENCY, (tab, i) =>
    openFanoutSocket(server.url, tab.person, ws.id, i, onRoomUpdated),
  );
  sockets.push(...opened);
  console.log(
    `opened ${sockets.length} sockets (${people.length} people, ${secondTabs} second tabs) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  // Let the presence fan-out of all those arrivals drain before measuring.
  await sleep(2_000);
  const connected = processStats(server.pid);

  const room = await request(sockets[0], 'room:create', { name: 'Fan-out' });
  const latencies = { join: [], leave: [] };
  const slowest = [];
  const acks = [];
  let missed = 0;
  let peakRss = connected.rssMb;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const cpuBefore = processStats(server.pid).cpuSeconds;
  t = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    // A different member each round (never the owner, who holds socket 0).
    const from = 1 + (r % MEMBERS);
    const mover = tabs[from].person;
    for (const kind of ['join', 'leave']) {
      const e = {
        roomId: room.id,
        userId: mover.userId,
        inside: kind === 'join',
        from,
        arrived: new Array(sockets.length),
        count: 0,
        expected: sockets.length - 1,
      };
      const all = new Promise((resolve) => {
        e.done = resolve;
      });
      current = e;
      e.t0 = performance.now();
      await request(sockets[from], kind === 'join' ? 'room:join' : 'room:leave', { roomId: room.id });
      acks.push(performance.now() - e.t0);
      let timer;
      await Promise.race([all, new Promise((r) => (timer = setTimeout(r, EVENT_TIMEOUT_MS)))]);
      clearTimeout(timer);
      current = undefined;
      missed += e.expected - e.count;
      const got = e.arrived.filter((v) => v !== undefined);
      latencies[kind].push(...got);
      slowest.push(Math.max(...got));
      peakRss = Math.max(peakRss, processStats(server.pid).rssMb);
      // A short pause so that one event's tail does not overlap the next one's start.
      await sleep(50);
    }
  }
  const roundsSeconds = (performance.now() - t) / 1000;
  loopDelay.disable();
  const end = processStats(server.pid);

  const all = [...latencies.join, ...latencies.leave];
  const result = {
    members: MEMBERS,
    people: people.length,
    sockets: sockets.length,
    events: ROUNDS * 2,
    receiversPerEvent: sockets.length - 1,
    deliveriesMs: summary(all),
    joinMs: summary(latencies.join),
    leaveMs: summary(latencies.leave),
    lastReceiverPerEventMs: summary(slowest),
    ackMs: summary(acks),
    missed,
    over1s: all.filter((v) => v > 1000).length,
    serverRssMb: {
      idle: Math.round(idle.rssMb),
      afterSignup: Math.round(afterSignup.rssMb),
      socketsOpen: Math.round(connected.rssMb),
      peakDuringRounds: Math.round(peakRss),
      peakOverall: Math.round(end.peakRssMb),
    },
    serverCpuSecondsDuringRounds: Math.round((end.cpuSeconds - cpuBefore) * 100) / 100,
    roundsSeconds: Math.round(roundsSeconds * 10) / 10,
    signupSeconds: Math.round(signupSeconds * 10) / 10,
    benchLoopDelayMaxMs: Math.round(loopDelay.max / 1e5) / 10,
    cpus: os.availableParallelism(),
    node: process.version,
    loadAvg1m: Math.round(os.loadavg()[0] * 100) / 100,
  };
  console.log(JSON.stringify(result, null, 2));
  failed = missed > 0;
} catch (err) {
  console.error(err);
  failed = true;
} finally {
  clearTimeout(giveUp);
  for (const s of sockets) s.close();
  await server.stop();
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
