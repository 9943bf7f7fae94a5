import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { clientIp, compileTrust, handshakeIp, parseTrustProxy } from './clientIp.js';

const req = (peer: string, xff?: string) => ({
  headers: xff ? { 'x-forwarded-for': xff } : {},
  socket: { remoteAddress: peer },
});

describe('TRUST_PROXY', () => {
  it('is off by default: X-Forwarded-For from any peer is ignored', () => {
    const trust = compileTrust(loadConfig({}).trustProxy);
    expect(clientIp(req('203.0.113.9', '198.51.100.1'), trust)).toBe('203.0.113.9');
    expect(clientIp(req('127.0.0.1', '198.51.100.1'), trust)).toBe('127.0.0.1');
  });

  it('with proxy addresses, believes X-Forwarded-For only from those peers', () => {
    const trust = compileTrust(parseTrustProxy('127.0.0.1, 10.0.0.0/8'));
    expect(clientIp(req('127.0.0.1', '198.51.100.1'), trust)).toBe('198.51.100.1');
    expect(clientIp(req('10.1.2.3', '198.51.100.1'), trust)).toBe('198.51.100.1');
    // A direct client (not our proxy) cannot pick its IP.
    expect(clientIp(req('203.0.113.9', '198.51.100.1'), trust)).toBe('203.0.113.9');
    // A spoofed entry in front of the proxy's own is not believed: the nearest untrusted hop wins.
    expect(clientIp(req('127.0.0.1', '6.6.6.6, 198.51.100.1'), trust)).toBe('198.51.100.1');
  });

  it('with a hop count, trusts that many proxies', () => {
    const trust = compileTrust(parseTrustProxy('1'));
    expect(clientIp(req('10.0.0.1', '6.6.6.6, 198.51.100.1'), trust)).toBe('198.51.100.1');
    expect(clientIp(req('10.0.0.1'), trust)).toBe('10.0.0.1');
  });

  it('gives a socket handshake the same answer as an HTTP request', () => {
    const trust = compileTrust(parseTrustProxy('127.0.0.1'));
    const headers = { 'x-forwarded-for': '198.51.100.7' };
    expect(handshakeIp({ address: '127.0.0.1', headers }, trust)).toBe(
      clientIp({ headers, socket: { remoteAddress: '127.0.0.1' } }, trust),
    );
    expect(handshakeIp({ address: '203.0.113.9', headers }, trust)).toBe('203.0.113.9');
  });

  it('refuses "true", junk addresses and absurd hop counts, naming the variable', () => {
    for (const bad of ['true', '10.0.0.0/99', 'proxy.example.com', '127.0.0.1,nope', '99']) {
      let err: unknown;
      try {
        loadConfig({ TRUST_PROXY: bad });
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems[0]).toMatch(/^TRUST_PROXY: /);
    }
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('loopback')).toEqual({ addresses: ['loopback'] });
  });

  it('ALLOWED_ORIGINS takes origins only', () => {
    expect(
      loadConfig({ ALLOWED_ORIGINS: 'https://a.example, http://b.example:8080' }).allowedOrigins,
    ).toEqual(['https://a.example', 'http://b.example:8080']);
    for (const bad of ['a.example', 'https://a.example/path', 'ftp://a.example']) {
      expect(() => loadConfig({ ALLOWED_ORIGINS: bad }), bad).toThrow(/ALLOWED_ORIGINS/);
    }
  });
});
