import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROTOCOL_VERSION } from '@tsudoi/protocol';
import { Server } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// A real socket.io server on loopback whose handshake check fails the first times for a reason that may pass
// (an error without a refusal code, as a check that threw on a busy server gives).
let http: HttpServer;
let io: Server;
let refusals: number;
let handshakes: number;
/** What a refusal carries (`err.data`); none: a plain error, as a check that threw gives. */
let refusal: { code: string; limit?: number; retryAfter?: number } | undefined;

beforeEach(async () => {
  handshakes = 0;
  refusal = undefined;
  http = createServer();
  io = new Server(http);
  io.use((_socket, next) => {
    handshakes++;
    if (handshakes <= refusals)
      return next(Object.assign(new Error(refusal?.code ?? 'the session check failed'), { data: refusal }));
    next();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as AddressInfo;
  // The page's origin: socket.ts connects to where the page came from.
  vi.stubGlobal('location', new URL(`http://127.0.0.1:${port}/w/ws1`));
});

afterEach(async () => {
  const { closeWorkspaceSocket } = await import('./socket');
  closeWorkspaceSocket();
  vi.unstubAllGlobals();
  await new Promise<void>((r) => io.close(() => r()));
});

describe('a workspace socket whose handshake was refused for a reason that may pass', () => {
  it('tries again by itself and comes online (socket.io alone gives such a socket up)', async () => {
    refusals = 2;
    const { openWorkspaceSocket } = await import('./socket');
    const { useAppStore } = await import('../state/store');
    openWorkspaceSocket('ws1', { bind: () => () => {} });
    await expect.poll(() => useAppStore.getState().connection, { timeout: 10_000 }).toBe('online');
    expect(handshakes).toBe(3);
    expect(io.of('/').sockets.size).toBe(1);
    // The page's protocol version went along (the server's first check).
    const [socket] = io.of('/').sockets.values();
    expect(socket!.handshake.auth).toMatchObject({ protocolVersion: PROTOCOL_VERSION, workspaceId: 'ws1' });
  });
});

describe('a workspace socket refused with TOO_MANY_CONNECTIONS', () => {
  it('after a handshake rate (retryAfter given): waits that long and comes online by itself', async () => {
    refusals = 1;
    refusal = { code: 'TOO_MANY_CONNECTIONS', limit: 60, retryAfter: 1 };
    const { openWorkspaceSocket } = await import('./socket');
    const { useAppStore } = await import('../state/store');
    const statuses = new Set<string>();
    const off = useAppStore.subscribe((s) => statuses.add(s.connection));
    try {
      openWorkspaceSocket('ws1', { bind: () => () => {} });
      await expect.poll(() => useAppStore.getState().connection, { timeout: 10_000 }).toBe('online');
    } finally {
      off();
    }
    expect(handshakes).toBe(2);
    // Never told to close a tab: that is not what it was.
    expect(statuses.has('tooMany')).toBe(false);
  });

  it('with too many tabs open (no retryAfter): says so and does not try again', async () => {
    refusals = 5;
    refusal = { code: 'TOO_MANY_CONNECTIONS', limit: 10 };
    const { openWorkspaceSocket } = await import('./socket');
    const { useAppStore } = await import('../state/store');
    openWorkspaceSocket('ws1', { bind: () => () => {} });
    await expect.poll(() => useAppStore.getState().connection, { timeout: 10_000 }).toBe('tooMany');
    // Long enough for the first two retries of a passing refusal (0.5 s, 1 s): none came.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(handshakes).toBe(1);
  });
});
