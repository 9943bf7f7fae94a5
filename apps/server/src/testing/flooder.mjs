// A flooding client in its own process, so a test measures the server's latency for others, not the cost
// of generating the flood inside the test's own event loop. Argument: JSON
// { url, cookie, protocolVersion, workspaceId, roomId, tabs, perTab, bursts, prefix }.
// Prints `started` when every socket is connected and the flood begins, then one JSON line with the result.
import { io } from 'socket.io-client';

const o = JSON.parse(process.argv[2] ?? process.argv[1]);
const sockets = await Promise.all(
  Array.from({ length: o.tabs }, async () => {
    const s = io(o.url, {
      auth: { protocolVersion: o.protocolVersion, workspaceId: o.workspaceId },
      transports: ['websocket'],
      extraHeaders: { cookie: o.cookie, origin: o.url },
      reconnection: false,
    });
    await new Promise((resolve, reject) => {
      s.once('connect', resolve);
      s.once('connect_error', reject);
    });
    return s;
  }),
);

const perBurst = Math.ceil(o.perTab / o.bursts);
const results = sockets.map(() => ({ ok: 0, limited: 0, other: 0, disconnected: false }));
const started = performance.now();
let lastAck = started;
process.stdout.write('started\n');
await Promise.all(
  sockets.map(
    (s, k) =>
      new Promise((resolve) => {
        const r = results[k];
        let sent = 0;
        s.on('disconnect', (reason) => {
          r.disconnected = reason === 'io server disconnect';
          resolve();
        });
        const onAck = (a) => {
          lastAck = performance.now();
          if (a.ok) r.ok++;
          else if (a.error.code === 'RATE_LIMITED') r.limited++;
          else r.other++;
          if (r.ok + r.limited + r.other === o.perTab) resolve();
        };
        // Even bursts every 100 ms (a script's flood, not one giant write).
        const timer = setInterval(() => {
          for (let i = 0; i < perBurst && sent < o.perTab; i++, sent++)
            s.emit(
              'chat:send',
              { to: { kind: 'room', roomId: o.roomId }, text: `${o.prefix} ${k} ${sent}` },
              onAck,
            );
          if (sent >= o.perTab) clearInterval(timer);
        }, 100);
        s.on('disconnect', () => clearInterval(timer));
      }),
  ),
);
const seconds = (lastAck - started) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, results })}\n`);
for (const s of sockets) s.close();
