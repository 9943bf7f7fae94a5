import { createPrivateKey, createSign, createVerify, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newSpCredentials } from './spCredentials.js';
import { pemOf } from './ssoConfig.js';

describe('the SP signing credentials', () => {
  it('are a self-signed SHA-256 certificate for the key, naming the workspace, valid for years', async () => {
    const now = new Date('2026-12-02T00:00:00Z');
    const { privateKeyPem, certificate } = await newSpCredentials(
      '0b5c4f6e-0000-4000-8000-000000000001',
      now,
    );
    const x509 = new X509Certificate(pemOf(certificate));
    expect(x509.subject).toContain('CN=tsudoi-sp-0b5c4f6e-0000-4000-8000-000000000001');
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(privateKeyPem))).toBe(true);
    expect(Date.parse(x509.validTo) - now.getTime()).toBeGreaterThan(9 * 365 * 86_400_000);
    // What the key signs, the certificate verifies.
    const signature = createSign('RSA-SHA256').update('SAMLRequest=x').sign(privateKeyPem);
    expect(createVerify('RSA-SHA256').update('SAMLRequest=x').verify(x509.publicKey, signature)).toBe(true);
    // Two workspaces never share a key.
    expect((await newSpCredentials('other', now)).certificate).not.toBe(certificate);
  });
});
