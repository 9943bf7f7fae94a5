// A light workspace socket for the load benchmarks: the socket.io protocol (engine.io 4 over a WebSocket,
// the default namespace) spoken directly, so that 1,000 sockets in one benchmark process cost little more
// than their frames. socket.io-client parses every frame of every socket as JSON; at 1,000 sockets and 20 floor
// pushes a second that is 20,000 parses a second and the benchmark's own event loop stalled for 200+ ms —
// as long as the latency tails it was measuring (docs/BENCHMARKS.md). Here a frame is parsed only if an
// event it names has a listener whose `wanted(frame)` test (a cheap substring check) says so, and acks.
// Enough of socket.io-client's surface for floor-load.mjs: on/once, timeout(ms).emit(event, payload, cb),
// close(). Not a general client: no reconnection, no binary, no other namespaces.
import { PROTOCOL_VERSION } from '@tsudoi/protocol';
import WebSocket from 'ws';
import { whenSnapshot } from './people.mjs';

export class LightSocket {
  #ws;
  #auth;
  #listeners = new Map();
  #acks = new Map();
  #nextAck = 0;
  #onRefused = () => {};
  /** Why the connection ended, once it has: "websocket <code>", or the server's "disconnect" packet. */
  closedWith = undefined;

  constructor(url, cookie, auth) {
    this.#auth = auth;
    this.#ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      headers: { cookie },
    });
    this.#ws.on('message', (data) => this.#frame(data.toString()));
    this.#ws.on('error', (err) => this.#onRefused(err.message));
    this.#ws.on('close', (code) => {
      this.closedWith ??= `websocket ${code}`;
      for (const fail of this.#acks.values()) fail();
      this.#acks.clear();
    });
  }

  /** Calls `fn(payload)` for each `event`; with `wanted`, only for frames where `wanted(frameText)` holds. */
  on(event, fn, wanted) {
    const list = this.#listeners.get(event) ?? [];
    list.push({ fn, wanted });
    this.#listeners.set(event, list);
    return this;
  }

  /** Calls `fn` once for the next `event`; `{ parse: false }`: without its payload (never parsed). */
  once(event, fn, { parse = true } = {}) {
    const entry = {
      parse,
      fn: (payload) => {
        const list = this.#listeners.get(event);
        list?.splice(list.indexOf(entry), 1);
        fn(payload);
      },
    };
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), entry]);
    return this;
  }

  /** `timeout(ms).emit(event, payload, (err, ack) => …)`, as socket.io-client. */
  timeout(ms) {
    return {
      emit: (event, payload, cb) => {
        const id = this.#nextAck++;
        const timer = setTimeout(() => {
          this.#acks.delete(id);
          cb(new Error('timeout'));
        }, ms);
        this.#acks.set(id, (ack) => {
          clearTimeout(timer);
          this.#acks.delete(id);
          if (ack === undefined) cb(new Error('disconnected'));
          else cb(null, ack);
        });
        this.#ws.send(`42${id}${JSON.stringify([event, payload])}`);
      },
    };
  }

  close() {
    this.closedWith ??= 'closed by the benchmark';
    this.#ws.close();
  }

  /** Called once with the refusal's code (connect error) or the socket error's message. */
  onRefused(fn) {
    this.#onRefused = fn;
  }

  #frame(f) {
    if (f === '2') return this.#ws.send('3'); // engine.io ping → pong
    if (f[0] === '0') return this.#ws.send(`40${JSON.stringify(this.#auth)}`); // engine open → connect
    if (f[0] !== '4') return;
    switch (f[1]) {
      case '2': {
        // 42["event",payload]
        const end = f.indexOf('"', 4);
        const list = this.#listeners.get(f.slice(4, end));
        if (!list?.length) return;
        let payload;
        for (const { fn, wanted, parse = true } of [...list]) {
          if (wanted && !wanted(f)) continue;
          if (parse) payload ??= JSON.parse(f.slice(2))[1];
          fn(parse ? payload : undefined);
        }
        return;
      }
      case '3': {
        // 43<id>[ack]
        let i = 2;
        while (f.charCodeAt(i) >= 48 && f.charCodeAt(i) <= 57) i++;
        this.#acks.get(Number(f.slice(2, i)))?.(JSON.parse(f.slice(i))[0]);
        return;
      }
      case '1':
        // 41: the server disconnected this socket from the namespace
        this.closedWith ??= 'server disconnect';
        return;
      case '4': {
        // 44{"message":…,"data":{"code":…}}: the handshake was refused
        const err = JSON.parse(f.slice(2));
        return this.#onRefused(err.data?.code ?? err.message);
      }
      default:
    }
  }
}

/** As people.mjs `openSocket`, with a LightSocket: resolves once the floor snapshot arrived. */
export function openLightSocket(url, person, wsId, listen = () => {}, timeoutMs = 15_000) {
  const s = new LightSocket(url, person.c.cookieHeader, {
    protocolVersion: PROTOCOL_VERSION,
    workspaceId: wsId,
  });
  listen(s);
  return whenSnapshot(
    s,
    person,
    timeoutMs,
    // Its arrival is all that counts: the ~150 KB snapshot (1,000 members) is not parsed.
    (done) => s.once('floor:snapshot', done, { parse: false }),
    (fail) => s.onRefused(fail),
  );
}
