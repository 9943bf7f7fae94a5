import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { healthRoutes } from '../http/health.js';
import type { MediaWorkerPool } from '../media/workerPool.js';
import { startTestApp, type TestApp } from '../testing/testApp.js';

describe('GET /healthz checks the store for real (R21)', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers 200 while the store reads, and 503 STORE_UNAVAILABLE once the store is down', async () => {
    t = await startTestApp();
    const ok = await fetch(`${t.app.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok', store: t.app.store.kind });
    await t.app.store.close(); // the store goes away under the running server
    const down = await fetch(`${t.app.url}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({
      code: 'STORE_UNAVAILABLE',
      message: `The ${t.app.store.kind} store did not answer.`,
    });
  });

  it('a store that hangs gets 503 after the timeout instead of a hanging monitor', async () => {
    const app = Fastify();
    let calls = 0;
    const store = {
      kind: 'firestore' as const,
      ping: () => {
        calls++;
        return new Promise<void>(() => {}); // never answers (unreachable Firestore)
      },
    };
    healthRoutes(app, { store, media: { size: 1 } as MediaWorkerPool, version: 't', pingTimeoutMs: 50 });
    const started = performance.now();
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(calls).toBe(1);
    // Control: the same route with a store that answers is healthy.
    const good = Fastify();
    healthRoutes(good, {
      store: { kind: 'sqlite', ping: async () => {} },
      media: { size: 1 } as MediaWorkerPool,
      version: 't',
      pingTimeoutMs: 50,
    });
    expect((await good.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
    await good.close();
  });
});
