import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate, normaliseCertificate, parseIdpMetadata } from './ssoConfig.js';

// R11: the IdP metadata an admin pastes is read safely — no DTDs or entities, one IdP, a redirect SSO URL,
// at most two signing certificates (rollover) that really are X.509 certificates.

const certs: string[] = [];
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sso-meta-'));
  for (const n of [1, 2, 3]) {
    const out = path.join(dir, `c${n}.pem`);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-days',
        '2',
        '-subj',
        `/CN=idp${n}`,
        '-keyout',
        path.join(dir, `k${n}.pem`),
        '-out',
        out,
      ],
      { stdio: 'ignore' },
    );
    certs.push(normaliseCertificate(fs.readFileSync(out, 'utf8'))!);
  }
});

const key = (body: string, use = 'signing') =>
  `<md:KeyDescriptor use="${use}"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
const metadata = (
  keys: string,
  binding = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
) => `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example/metadata">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    ${keys}
    <md:SingleSignOnService Binding="${binding}" Location="https://idp.example/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

describe('parseIdpMetadata', () => {
  it('reads the entity id, the redirect SSO URL and the signing certificates (two during a rollover)', () => {
    expect(
      parseIdpMetadata(metadata(key(certs[0]!) + key(certs[1]!) + key(certs[2]!, 'encryption'))),
    ).toEqual({
      ok: true,
      metadata: {
        idpEntityId: 'https://idp.example/metadata',
        ssoUrl: 'https://idp.example/sso',
        certificates: [certs[0], certs[1]],
      },
    });
  });

  it('refuses a DOCTYPE or entity declarations before parsing', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE md [<!ENTITY x SYSTEM "file:///etc/passwd">]>${metadata(key(certs[0]!))}`;
    expect(parseIdpMetadata(xxe)).toEqual({ ok: false, problem: 'dtdNotAllowed' });
    expect(parseIdpMetadata(`<!ENTITY a "b">${metadata(key(certs[0]!))}`)).toEqual({
      ok: false,
      problem: 'dtdNotAllowed',
    });
  });

  it('refuses what is not usable IdP metadata', () => {
    expect(parseIdpMetadata('<not xml')).toMatchObject({ ok: false, problem: 'notXml' });
    expect(parseIdpMetadata('<html><body>sign in</body></html>')).toEqual({
      ok: false,
      problem: 'notIdpMetadata',
    });
    expect(parseIdpMetadata(metadata(''))).toEqual({ ok: false, problem: 'noCertificate' });
    expect(parseIdpMetadata(metadata(key('bm90IGEgY2VydA==')))).toEqual({
      ok: false,
      problem: 'badCertificate',
    });
    expect(
      parseIdpMetadata(metadata(key(certs[0]!), 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST')),
    ).toEqual({
      ok: false,
      problem: 'noRedirectBinding',
    });
    expect(parseIdpMetadata(metadata(certs.map((c) => key(c)).join('')))).toEqual({
      ok: false,
      problem: 'tooManyCertificates',
    });
  });

  it('shows a certificate as its SHA-256 fingerprint and expiry', () => {
    const d = describeCertificate(certs[0]!);
    expect(d.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(Date.parse(d.notAfter!)).toBeGreaterThan(Date.now());
  });
});
