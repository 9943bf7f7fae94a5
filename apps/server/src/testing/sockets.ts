import { type FloorSnapshot, PROTOCOL_VERSION } from '@tsudoi/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import type { ApiClient } from './apiClient.js';

/** Workspace sockets for tests, authenticated by a test client's cookies; `closeAll()` after each test. */
export class TestSockets {
  readonly #open: Socket[] = [];

  constructor(private readonly url: string) {}

  /** Resolves once the floor snapshot arrived; rejects with the handshake refusal's code. */
  open(
    c: ApiClient | undefined,
    workspaceId: string,
  ): Promise<{ s: Socket; snapshot: FloorSnapshot; received: Array<[string, unknown]> }> {
    const cookie = c ? [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
    const s = connect(this.url, {
      auth: { protocolVersion: PROTOCOL_VERSION, workspaceId },
      transports: ['websocket'],
      // What a browser sends: the page's origin (the server refuses foreign ones).
      extraHeaders: { origin: new URL(this.url).origin, ...(cookie ? { cookie } : {}) },
      reconnection: false,
    });
    this.#open.push(s);
    // Everything the server sent, from the first event on (some arrive right behind the snapshot).
    const received: Array<[string, unknown]> = [];
    s.onAny((event: string, payload: unknown) => received.push([event, payload]));
    return new Promise((resolve, reject) => {
      s.once('floor:snapshot', (snapshot: FloorSnapshot) => resolve({ s, snapshot, received }));
      s.once('connect_error', (err: Error & { data?: { code: string } }) =>
        reject(err.data?.code ?? err.message),
      );
    });
  }

  closeAll(): void {
    for (const s of this.#open.splice(0)) s.close();
  }
}

/** The next `event` on a socket whose payload satisfies `where`. */
export function nextEvent<T>(s: Socket, event: string, where: (p: T) => boolean = () => true): Promise<T> {
  return new Promise<T>((resolve) => {
    const h = (p: T) => {
      if (!where(p)) return;
      s.off(event, h);
      resolve(p);
    };
    s.on(event, h);
  });
}
