import { createHash } from 'node:crypto';

/** A configured operator: a name and the SHA-256 of their bearer token (the token itself is not kept). */
export interface OperatorCredential {
  name: string;
  tokenSha256: Buffer;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const HEX = /^[0-9a-f]{64}$/i;

export const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Operators from configuration (R22): `OPS_TOKENS=name:sha256hex,…` (the hex SHA-256 of each operator's
 * token: `printf %s "$TOKEN" | sha256sum`), and the older single `OPS_TOKEN`, which stays valid as the
 * operator named "ops". Problems are pushed to `problems`, naming the variable.
 */
export function operatorCredentialsOf(
  list: string | undefined,
  legacyToken: string | undefined,
  problems: string[],
): OperatorCredential[] {
  const out: OperatorCredential[] = [];
  for (const raw of (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const i = raw.indexOf(':');
    const name = i < 0 ? raw : raw.slice(0, i);
    const hex = i < 0 ? '' : raw.slice(i + 1);
    if (!NAME.test(name)) {
      problems.push(`OPS_TOKENS: operator name ${JSON.stringify(name)} must be 1–64 letters, digits, . _ -`);
      continue;
    }
    if (!HEX.test(hex)) {
      problems.push(
        `OPS_TOKENS: operator "${name}" needs name:sha256hex (64 hex digits of the token's SHA-256)`,
      );
      continue;
    }
    if (out.some((o) => o.name === name)) {
      problems.push(`OPS_TOKENS: operator "${name}" is listed twice`);
      continue;
    }
    out.push({ name, tokenSha256: Buffer.from(hex, 'hex') });
  }
  if (legacyToken) {
    if (out.some((o) => o.name === 'ops'))
      problems.push('OPS_TOKENS: the name "ops" is taken by OPS_TOKEN; choose another name');
    else out.push({ name: 'ops', tokenSha256: sha256(legacyToken) });
  }
  return out;
}
