import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TurnTcpClient } from '../testing/turnClient.js';
import { type RunningTurn, startTurnServer, TURN_MISSING, turnServerBinary } from '../testing/turnServer.js';
import { mintTurnCredential } from './turnCredentials.js';

// Issue 14: a real coturn, configured by infra/turn/turnserver-conf.sh (production) plus the loopback peer
// allowed for this test only, accepts exactly the credentials Tsudoi mints and relays to nothing internal.
const SECRET = 'relay-test-secret-8c1f2e';
const installed = turnServerBinary() !== undefined;
if (!installed) console.warn(TURN_MISSING);

describe.skipIf(!installed)('coturn with Tsudoi credentials', () => {
  let turn: RunningTurn;
  const clients: TurnTcpClient[] = [];
  const connect = async (tls = false) => {
    const c = await TurnTcpClient.connect('127.0.0.1', tls ? turn.tlsPort : turn.port, tls);
    clients.push(c);
    return c;
  };
  const mint = (secret: string, nowMs = Date.now()) =>
    mintTurnCredential({ secret, ttlSeconds: 600 }, 'u-alice', nowMs);

  beforeAll(async () => {
    turn = await startTurnServer(SECRET);
  }, 30_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await turn?.stop();
  });

  it('allocates a relay for a credential Tsudoi minted, over TCP and over TLS', async () => {
    const c = mint(SECRET);
    const tcp = await (await connect()).allocate(c.username, c.credential);
    expect(tcp, turn.output()).toMatchObject({ outcome: 'success', relayed: { address: '127.0.0.1' } });
    const overTls = await (await connect(true)).allocate(c.username, c.credential);
    expect(overTls, turn.output()).toMatchObject({ outcome: 'success', relayed: { address: '127.0.0.1' } });
  });

  it('refuses a credential made with another secret, and an expired one (401)', async () => {
    const wrong = mint('not-the-turn-secret-00');
    expect(await (await connect()).allocate(wrong.username, wrong.credential)).toMatchObject({
      outcome: 'error',
      code: 401,
    });
    const expired = mint(SECRET, Date.now() - 601_000);
    expect(await (await connect()).allocate(expired.username, expired.credential)).toMatchObject({
      outcome: 'error',
      code: 401,
    });
  });

  it('keeps an allocation past its credential expiry (a talk is not cut at TURN_TTL); a new one is refused', async () => {
    // A credential that expires 1–2 s from now (coturn compares unix seconds): time enough to allocate.
    const ttl = 60;
    const expiry = Math.ceil(Date.now() / 1000) + 1;
    const c = mintTurnCredential({ secret: SECRET, ttlSeconds: ttl }, 'u-long-talk', (expiry - ttl) * 1000);
    const client = await connect();
    expect((await client.allocate(c.username, c.credential)).outcome).toBe('success');
    // Wait for coturn's clock to pass the expiry (a moment in time, not a guess at how long work takes).
    const past = (c.expiresAt + 1) * 1000 + 50;
    await new Promise((r) => setTimeout(r, Math.max(0, past - Date.now())));
    expect(await client.createPermission('127.0.0.1')).toMatchObject({ outcome: 'success' });
    expect(await (await connect()).allocate(c.username, c.credential)).toMatchObject({
      outcome: 'error',
      code: 401,
    });
  });

  it('relays to the allowed loopback peer only: private, link-local and metadata addresses are forbidden (403)', async () => {
    const c = mint(SECRET);
    const client = await connect();
    expect((await client.allocate(c.username, c.credential)).outcome).toBe('success');
    expect(await client.createPermission('127.0.0.1')).toMatchObject({ outcome: 'success' });
    // The public internet stays reachable (a permission sends nothing; it is only granted or refused).
    // Caught: an IPv6 range written `::-::1` made coturn deny every IPv4 peer.
    expect(await client.createPermission('8.8.8.8')).toMatchObject({ outcome: 'success' });
    for (const internal of [
      '127.0.0.2',
      '10.0.0.5',
      '172.16.3.4',
      '192.168.1.10',
      '169.254.169.254',
      '100.64.0.1',
    ]) {
      expect(await client.createPermission(internal), internal).toMatchObject({
        outcome: 'error',
        code: 403,
      });
    }
  });
});

describe('infra/turn/turnserver-conf.sh (the production coturn configuration)', () => {
  const script = fileURLToPath(new URL('../../../../infra/turn/turnserver-conf.sh', import.meta.url));
  const run = (env: Record<string, string>) =>
    spawnSync('bash', [script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    });
  const good = {
    TURN_SECRET: SECRET,
    TURN_REALM: 'turn.example.com',
    TURN_CERT: '/c.pem',
    TURN_PKEY: '/k.pem',
  };

  it('prints TLS on 443, the shared secret and no loopback or allowed peer', () => {
    const r = run(good);
    expect(r.status).toBe(0);
    for (const line of [
      'use-auth-secret',
      `static-auth-secret=${SECRET}`,
      'tls-listening-port=443',
      'no-cli',
    ])
      expect(r.stdout.split('\n')).toContain(line);
    expect(r.stdout).toContain('denied-peer-ip=169.254.0.0-169.254.255.255');
    expect(r.stdout).not.toMatch(/allow-loopback-peers|allowed-peer-ip/);
  });

  it('refuses to print without TLS, with a short secret or a bad realm', () => {
    for (const [env, reason] of [
      [{ ...good, TURN_CERT: '' }, /TURN_CERT and TURN_PKEY are required/],
      [{ ...good, TURN_SECRET: 'short' }, /at least 16/],
      [{ ...good, TURN_REALM: 'bad realm' }, /host name/],
      [{ ...good, TURN_TLS_PORT: '70000' }, /TURN_TLS_PORT must be a port/],
    ] as const) {
      const r = run(env);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(reason);
      expect(r.stdout).toBe('');
    }
  });
});
