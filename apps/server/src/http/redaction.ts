import type { FastifyRequest } from 'fastify';

const REDACTED = '[redacted]';

/** Path segments that carry a secret right after them (mailed links, their API twins). */
const TOKEN_BEFORE = new Set(['invite', 'invitations', 'verify', 'reset-password', 'reset']);
/** Query parameters that carry secrets (link tokens, codes, keys). */
const SECRET_PARAM = /token|code|key|secret|password|signature|sig|auth|session|ticket|otp|hash/i;
/** A 20+ character opaque value (our tokens are 43 base64url characters); UUIDs are ids, not secrets. */
const OPAQUE = /^[A-Za-z0-9_%-]{20,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const secretLooking = (v: string) => OPAQUE.test(v) && !UUID.test(v);

/**
 * A URL fit for the logs: link tokens in paths (`/invite/<token>`, `/api/invitations/<token>`) and
 * secret-bearing query values (`/verify?token=…`, `/reset-password?token=…`) become `[redacted]`, as
 * does any other opaque 20+ character path segment or query value.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const segments = path.split('/');
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg && (TOKEN_BEFORE.has(segments[i - 1]!) ? !UUID.test(seg) : secretLooking(seg)))
      segments[i] = REDACTED;
  }
  if (q === -1) return segments.join('/');
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return secretLooking(pair) ? REDACTED : pair;
      const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
      return SECRET_PARAM.test(name) || secretLooking(value) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${segments.join('/')}?${query}`;
}

/** fastify's request serializer, with the URL redacted; headers (cookies, authorization) are never logged. */
export function requestSerializer(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** pino redaction for anything that logs headers or cookies anyway (an error carrying its request). */
export const logRedaction = {
  paths: [
    'req.headers.cookie',
    'req.headers.authorization',
    'req.headers["x-csrf-token"]',
    'headers.cookie',
    'headers.authorization',
    'headers["x-csrf-token"]',
    'res.headers["set-cookie"]',
    'err.headers.cookie',
  ],
  censor: REDACTED,
};
