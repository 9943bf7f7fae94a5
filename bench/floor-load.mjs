// Issue 14, load figures 1 and 3: the 9:00 arrival (N people connecting and loading the floor), then
// `floor:presence` and room-chat latency to every recipient WHILE a steady stream of floor events
// (room enter/leave by a subset of people) flows, then a room-join burst. NODES=2: two server processes
// sharing Redis and the Firestore emulator, people split over both, deliveries labelled same/cross node.
// See docs/BENCHMARKS.md "Issue 14 load figures — how to measure".
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { printServerErrors, startCluster } from './support/cluster.mjs';
import { seedDirect } from './support/directPeople.mjs';
import { openLightSocket } from './support/lightSocket.mjs';
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
import { cachedPeople, restorePeople, savePeople, seedDataDir } from './support/peopleCache.mjs';

const env = (name, dflt) => Number(process.env[name] ?? dflt);
const MEMBERS = env('MEMBERS', 50);
const NODES = env('NODES', 1);
const FLOOR_EVENTS_PER_S = env('FLOOR_EVENTS_PER_S', 100);
const DURATION_S = env('DURATION_S', 20);
const ROOMS = env('ROOMS', 10);
const CHAT_ROOM_SIZE = env('CHAT_ROOM_SIZE', 10);
const PRESENCE_PER_S = env('PRESENCE_PER_S', 2);
const CHAT_PER_S = env('CHAT_PER_S', 5);
const CONCURRENCY = env('CONCURRENCY', 16);
const ARRIVAL_CONCURRENCY = env('ARRIVAL_CONCURRENCY', 200);
const JOIN_BURST = env('JOIN_BURST', 1);
// SEED=direct (shared store only): members written straight into the store instead of signing up over HTTP
// (support/directPeople.mjs) — what makes 3,000 people on the Firestore emulator take a minute, not an hour.
const DIRECT_SEED = process.env.SEED === 'direct';
/** A safety net: sign-up alone of 3,000 people on the Firestore emulator can take most of an hour. */
const RUN_TIMEOUT_MS = env('RUN_TIMEOUT_MS', 3 * 60 * 60_000);
/** A probe that has not reached a socket by then counts as missed. */
const PROBE_TIMEOUT_MS = 5_000;
/** The issue's goals (at 1,000 people on one node, 3,000 over two). */
const GOALS = { presenceP99Ms: 100, roomMessageP99Ms: 50, arrivalS: 10 };

// SHARED=1 with NODES=1: the one node on Redis and the Firestore emulator, like each node of NODES=2 (figure 3
// compares the two on the same path).
const SHARED = NODES > 1 || process.env.SHARED === '1';
if (DIRECT_SEED && !SHARED) {
  console.error('SEED=direct writes to the shared store: use it with NODES=2 or SHARED=1');
  process.exit(2);
}
// PEOPLE_CACHE=<dir> (one plain node): reuse the people signed up by an earlier run (support/peopleCache.mjs).
const PEOPLE_CACHE = SHARED ? undefined : process.env.PEOPLE_CACHE;
const cached = PEOPLE_CACHE ? cachedPeople(PEOPLE_CACHE, MEMBERS) : undefined;
const cluster = await startCluster(
  'load',
  NODES,
  { ...BULK_LIMITS, SOCKETS_PER_USER_MAX: '100' },
  { prepare: cached ? (dataDir) => seedDataDir(cached.database, dataDir) : undefined, shared: SHARED },
);
const { nodes } = cluster;
const sockets = [];
const finish = async (code) => {
  for (const s of sockets) s?.close();
  await cluster.stop();
  process.exit(code);
};
const giveUp = setTimeout(() => {
  console.error(`floor-load: gave up after ${RUN_TIMEOUT_MS / 1000} s`);
  finish(2);
}, RUN_TIMEOUT_MS);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => finish(130));

const nodeOf = (i) => i % nodes.length;
const cpu = () => nodes.map((n) => processStats(n.pid).cpuSeconds);
const cpuSince = (before) => cpu().map((c, i) => Math.round((c - before[i]) * 100) / 100);
/** This process's own CPU seconds since `before` (process.cpuUsage()): is the client the bottleneck? */
const ownCpuSince = (before) => {
  const u = process.cpuUsage(before);
  return Math.round((u.user + u.system) / 1e4) / 100;
};

/**
 * Probes: one message (presence text or chat text) sent by socket `from`, expected by `expected` sockets.
 * Each arrival records its latency under 'same' or 'cross' (the receiver's node vs the sender's).
 */
const probes = new Map();
const latencies = { presence: { same: [], cross: [] }, chat: { same: [], cross: [] } };
const missed = { presence: 0, chat: 0 };
function startProbe(kind, key, from, expected) {
  const p = { kind, from, expected: new Set(expected), t0: performance.now() };
  probes.set(key, p);
  setTimeout(() => {
    missed[kind] += p.expected.size;
    probes.delete(key);
  }, PROBE_TIMEOUT_MS).unref();
}
function arrived(key, index) {
  const p = probes.get(key);
  if (!p?.expected.delete(index)) return;
  const where = nodeOf(index) === nodeOf(p.from) ? 'same' : 'cross';
  latencies[p.kind][where].push(performance.now() - p.t0);
}
// Probe texts start with this: a light socket parses a floor push only if it carries one (support/lightSocket.mjs;
// socket.io-client ignores the third argument of `on` and parses everything).
const PROBE = 'probe-';
const hasProbe = (frame) => frame.includes(PROBE);
const listen = (index) => (s) => {
  const onPresence = (m) => m.status?.text?.startsWith(PROBE) && arrived(m.status.text, index);
  s.on('floor:presence', onPresence, hasProbe);
  // A busy floor gathers changes into one floor:changed (apps/server/src/realtime/floorPushes.ts).
  s.on(
    'floor:changed',
    (c) => {
      for (const m of c.presence ?? []) onPresence(m);
    },
    hasProbe,
  );
  s.on('chat:message', (m) => arrived(m.text, index));
};
// SOCKETS=socketio: every socket a socket.io-client (parses every frame; the process stalls at 1,000 sockets).
const open = process.env.SOCKETS === 'socketio' ? openSocket : openLightSocket;

let failed = false;
try {
  const benchLoop = monitorEventLoopDelay({ resolution: 5 });
  let t = performance.now();
  const { ws, people } = cached
    ? restorePeople(cached, nodes[0].url)
    : DIRECT_SEED
      ? await seedDirect(nodes[0].url, cluster.storeEnv, MEMBERS)
      : await seedWorkspace(nodes[0].url, MEMBERS, CONCURRENCY);
  const signupSeconds = (performance.now() - t) / 1000;
  if (cached) console.log(`reused ${people.length} people signed up earlier (${PEOPLE_CACHE})`);
  else {
    const how = DIRECT_SEED ? 'written to the store' : 'signed up';
    console.log(`${how} ${people.length} people in ${signupSeconds.toFixed(1)} s (not timed below)`);
    if (PEOPLE_CACHE) await savePeople(PEOPLE_CACHE, MEMBERS, nodes[0].dataDir, { ws, people });
  }

  // The 9:00 arrival: everyone opens the floor at once (ARRIVAL_CONCURRENCY handshakes in flight).
  const snapshotMs = [];
  const cpuArrival = cpu();
  const ownArrival = process.cpuUsage();
  t = performance.now();
  const opened = await pool(people, ARRIVAL_CONCURRENCY, async (person, i) => {
    const t0 = performance.now();
    const s = await open(nodes[nodeOf(i)].url, person, ws.id, listen(i), 60_000);
    snapshotMs.push(performance.now() - t0);
    return s;
  });
  const arrivalSeconds = (performance.now() - t) / 1000;
  const arrivalCpu = cpuSince(cpuArrival);
  const arrivalOwnCpu = ownCpuSince(ownArrival);
  sockets.push(...opened);
  console.log(`arrival: ${people.length} people had their floor snapshot in ${arrivalSeconds.toFixed(2)} s`);
  await sleep(2_000); // the online-presence fan-out of the arrival drains

  // Rooms: ROOMS for the movers, one for the chat. Socket 0 is the owner (an admin).
  // An admin's floor requests are rate limited like anyone's (20 at once, then 2 a second): more than 20 rooms
  // wait for the budget.
  const createRoom = async (name) => {
    for (;;) {
      try {
        return await request(sockets[0], 'room:create', { name });
      } catch (err) {
        if (!String(err.message).includes('RATE_LIMITED')) throw err;
        await sleep(600);
      }
    }
  };
  const rooms = [];
  for (let r = 0; r < ROOMS; r++) rooms.push(await createRoom(`Load ${r}`));
  const chatRoom = await createRoom('Chat');
  // Roles: chat members first (1…), then movers, then presence senders; the owner only creates rooms.
  const chatMembers = Array.from({ length: Math.min(CHAT_ROOM_SIZE, people.length - 1) }, (_, k) => 1 + k);
  const rest = Array.from(
    { length: people.length - 1 - chatMembers.length },
    (_, k) => 1 + chatMembers.length + k,
  );
  const moverCount = Math.min(FLOOR_EVENTS_PER_S, Math.max(1, Math.floor(rest.length * 0.8)));
  const movers = rest.slice(0, moverCount);
  const presenceSenders = rest.slice(moverCount).length ? rest.slice(moverCount) : [0];
  const perMover = FLOOR_EVENTS_PER_S / movers.length;
  if (perMover > 2)
    console.warn(
      `warning: ${perMover.toFixed(1)} floor events/s per mover exceeds the 2/s socket limit; raise MEMBERS`,
    );
  for (const i of chatMembers) await request(sockets[i], 'room:join', { roomId: chatRoom.id });
  await sleep(1_000);

  // The steady phase: floor events at FLOOR_EVENTS_PER_S, presence and chat probes at their own rates.
  const floorAcks = [];
  const floorErrors = new Map();
  const inRoom = new Map();
  let issued = 0;
  let probeSeq = 0;
  const everyoneBut = (from) => sockets.map((_, i) => i).filter((i) => i !== from);
  const every = (perS, fn) => setInterval(fn, 1000 / perS);
  const cpuSteady = cpu();
  const ownSteady = process.cpuUsage();
  benchLoop.enable();
  t = performance.now();
  const steadyDone = new Promise((resolve) => {
    const tick = setInterval(() => {
      const elapsed = (performance.now() - t) / 1000;
      if (elapsed >= DURATION_S) {
        clearInterval(tick);
        resolve();
        return;
      }
      for (; issued < Math.floor(elapsed * FLOOR_EVENTS_PER_S); issued++) {
        const i = movers[issued % movers.length];
        const roomId = inRoom.get(i);
        const t0 = performance.now();
        const move = roomId
          ? request(sockets[i], 'room:leave', { roomId })
          : request(sockets[i], 'room:join', { roomId: rooms[issued % rooms.length].id });
        inRoom.set(i, roomId ? undefined : rooms[issued % rooms.length].id);
        move.then(
          () => floorAcks.push(performance.now() - t0),
          (e) => floorErrors.set(e.message, (floorErrors.get(e.message) ?? 0) + 1),
        );
      }
    }, 10);
  });
  const presenceTimer = every(PRESENCE_PER_S, () => {
    const from = presenceSenders[probeSeq % presenceSenders.length];
    const key = `${PROBE}p${probeSeq++}`;
    startProbe('presence', key, from, everyoneBut(from));
    request(sockets[from], 'presence:set', { state: 'available', text: key }).catch((e) => {
      probes.delete(key);
      floorErrors.set(e.message, (floorErrors.get(e.message) ?? 0) + 1);
    });
  });
  const chatTimer = every(CHAT_PER_S, () => {
    const from = chatMembers[probeSeq % chatMembers.length];
    const key = `${PROBE}c${probeSeq++}`;
    startProbe(
      'chat',
      key,
      from,
      chatMembers.filter((i) => i !== from),
    );
    request(sockets[from], 'chat:send', { to: { kind: 'room', roomId: chatRoom.id }, text: key }).catch(
      (e) => {
        probes.delete(key);
        floorErrors.set(e.message, (floorErrors.get(e.message) ?? 0) + 1);
      },
    );
  });
  await steadyDone;
  clearInterval(presenceTimer);
  clearInterval(chatTimer);
  const steadySeconds = (performance.now() - t) / 1000;
  const steadyCpu = cpuSince(cpuSteady);
  const steadyOwnCpu = ownCpuSince(ownSteady);
  benchLoop.disable();
  await sleep(PROBE_TIMEOUT_MS + 200); // the last probes arrive or count as missed

  // The join burst: everyone else enters a room at once (ARRIVAL_CONCURRENCY requests in flight).
  let burst;
  if (JOIN_BURST) {
    const joiners = [...rest, ...presenceSenders.filter((i) => i > 0 && !rest.includes(i))];
    const acks = [];
    let errors = 0;
    /** Refusals by their code ("room:join: ROOM_FULL …" → ROOM_FULL), so a failed burst says why. */
    const errorCodes = {};
    const cpuBurst = cpu();
    t = performance.now();
    await pool(joiners, ARRIVAL_CONCURRENCY, async (i, k) => {
      const t0 = performance.now();
      await request(sockets[i], 'room:join', { roomId: rooms[k % rooms.length].id }, 30_000).then(
        () => acks.push(performance.now() - t0),
        (err) => {
          errors++;
          const code = String(err.message).split(' ')[1] ?? 'unknown';
          errorCodes[code] = (errorCodes[code] ?? 0) + 1;
        },
      );
    });
    const seconds = (performance.now() - t) / 1000;
    burst = {
      joins: acks.length,
      errors,
      errorCodes,
      seconds: Math.round(seconds * 100) / 100,
      joinsPerSecond: Math.round(acks.length / seconds),
      ackMs: summary(acks),
      serverCpuSeconds: cpuSince(cpuBurst),
    };
  }

  // Sockets that ended before the run did (a server disconnect, a dropped websocket), by why.
  const socketsClosed = {};
  for (const s of sockets) {
    if (s?.closedWith) socketsClosed[s.closedWith] = (socketsClosed[s.closedWith] ?? 0) + 1;
  }
  const both = (k) => [...latencies[k].same, ...latencies[k].cross];
  const result = {
    nodes: NODES,
    shared: SHARED,
    people: people.length,
    sockets: sockets.length,
    arrival: {
      seconds: Math.round(arrivalSeconds * 100) / 100,
      connectionsPerSecond: Math.round(people.length / arrivalSeconds),
      snapshotMs: summary(snapshotMs),
      serverCpuSeconds: arrivalCpu,
      benchCpuSeconds: arrivalOwnCpu,
    },
    steady: {
      seconds: Math.round(steadySeconds * 10) / 10,
      floorEventsPerS: Math.round((floorAcks.length / steadySeconds) * 10) / 10,
      floorEventsTarget: FLOOR_EVENTS_PER_S,
      movers: movers.length,
      floorAckMs: summary(floorAcks),
      errors: Object.fromEntries(floorErrors),
      presenceMs: summary(both('presence')),
      chatMs: summary(both('chat')),
      ...(NODES > 1 && {
        presenceSameNodeMs: summary(latencies.presence.same),
        presenceCrossNodeMs: summary(latencies.presence.cross),
        chatSameNodeMs: summary(latencies.chat.same),
        chatCrossNodeMs: summary(latencies.chat.cross),
      }),
      missed,
      serverCpuSeconds: steadyCpu,
      benchCpuSeconds: steadyOwnCpu,
    },
    joinBurst: burst,
    serverRssMb: nodes.map((n) => Math.round(processStats(n.pid).rssMb)),
    benchLoopDelayMaxMs: Math.round(benchLoop.max / 1e5) / 10,
    socketsClosed,
    goals: GOALS,
    cpus: os.availableParallelism(),
    node: process.version,
    loadAvg1m: Math.round(os.loadavg()[0] * 100) / 100,
  };
  console.log(JSON.stringify(result));
  const row = (what, s, goal) =>
    `${what.padEnd(34)} ${String(s.n).padStart(7)} ${[s.p50, s.p95, s.p99, s.max].map((v) => String(v ?? '–').padStart(8)).join(' ')}   ${goal}`;
  const ok = (v, g) => (v == null ? '' : v <= g ? 'met' : 'NOT met');
  const st = result.steady;
  console.log(
    [
      '',
      `${people.length} people on ${NODES} node(s); ${st.floorEventsPerS} floor events/s for ${st.seconds} s (target ${FLOOR_EVENTS_PER_S}); load ${result.loadAvg1m}`,
      `${'latency (ms)'.padEnd(34)} ${'n'.padStart(7)} ${['p50', 'p95', 'p99', 'max'].map((h) => h.padStart(8)).join(' ')}   goal (set for 1,000 people on one node, 3,000 on two)`,
      row(
        'floor:presence, every recipient',
        st.presenceMs,
        `p99 ≤ ${GOALS.presenceP99Ms} ms ${ok(st.presenceMs.p99, GOALS.presenceP99Ms)}`,
      ),
      row(
        'room chat, every recipient',
        st.chatMs,
        `p99 ≤ ${GOALS.roomMessageP99Ms} ms ${ok(st.chatMs.p99, GOALS.roomMessageP99Ms)}`,
      ),
      ...(NODES > 1
        ? [
            row('  presence, cross-node', st.presenceCrossNodeMs, ''),
            row('  chat, cross-node', st.chatCrossNodeMs, ''),
          ]
        : []),
      row('room:join/leave ack (movers)', st.floorAckMs, ''),
      row('arrival: connect → snapshot', result.arrival.snapshotMs, ''),
      `arrival: all ${people.length} people on the floor in ${result.arrival.seconds} s (${result.arrival.connectionsPerSecond} connections/s; server CPU s ${result.arrival.serverCpuSeconds.join(' / ')}, the benchmark's own ${result.arrival.benchCpuSeconds})   goal ≤ ${GOALS.arrivalS} s ${ok(result.arrival.seconds, GOALS.arrivalS)}`,
      burst
        ? `join burst: ${burst.joins} room joins in ${burst.seconds} s = ${burst.joinsPerSecond} joins/s (errors ${burst.errors}${burst.errors ? ` ${JSON.stringify(burst.errorCodes)}` : ''})`
        : 'join burst: off',
      `missed: presence ${missed.presence}, chat ${missed.chat}; errors ${JSON.stringify(st.errors)}; server CPU s (steady) ${st.serverCpuSeconds.join(' / ')}, the benchmark's own ${st.benchCpuSeconds}; bench loop max ${result.benchLoopDelayMaxMs} ms; sockets ended early ${JSON.stringify(socketsClosed)}`,
    ].join('\n'),
  );
  failed = missed.presence + missed.chat > 0 || floorErrors.size > 0;
} catch (err) {
  console.error(err);
  printServerErrors(nodes);
  failed = true;
} finally {
  clearTimeout(giveUp);
}
await finish(failed ? 1 : 0);
