import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import type { DataKeys } from './dataKeys.js';
import { aad, isSealedText, openText, SealError, sealText } from './envelope.js';
import { deriveKey } from './masterKey.js';
import { OpenedValues } from './openedValues.js';

/** The data key of personal data (users are global, not a workspace's): stored like a workspace's, under this id. */
export const PERSONAL_DATA_KEY_ID = '_personal';

/** Deterministic sealed values (emails): `tsde1:` + lowercase hex, so an engine's `toLowerCase()` keeps them intact. */
export const DETERMINISTIC_PREFIX = 'tsde1:';

/**
 * Personal data columns encrypted at rest (R19): display names sealed like message bodies (random nonce,
 * bound to the user id), emails sealed *deterministically* so equality lookups and the unique index still
 * work. The deterministic scheme is a synthetic-IV construction: nonce = HMAC-SHA256(indexKey, email)[0..12]
 * (a keyed blind index of the address), then AES-256-GCM under a separate key; it reveals only whether two
 * stored addresses are equal. Both keys derive from one data key (`_personal`) wrapped by the master key, so
 * a master key rotation re-wraps it and changes no stored value. Synchronous after `open` (the key is held
 * in memory), so it can run inside a unit of work.
 */
export class PersonalDataCodec {
  readonly #sealKey: Buffer;
  readonly #detKey: Buffer;
  readonly #indexKey: Buffer;
  /** Names and addresses opened recently (the floor lists every member for each connecting socket). */
  readonly #opened = new OpenedValues();

  private constructor(key: Buffer) {
    this.#sealKey = deriveKey(key, 'personal.seal');
    this.#detKey = deriveKey(key, 'personal.det');
    this.#indexKey = deriveKey(key, 'personal.index');
  }

  static async open(keys: DataKeys): Promise<PersonalDataCodec> {
    return new PersonalDataCodec(await keys.keyFor(PERSONAL_DATA_KEY_ID));
  }

  /** A display name (or other free text of a user) as stored. */
  sealName(userId: string, name: string): string {
    return sealText(this.#sealKey, name, aad('user.displayName', userId));
  }

  /** The display name as shown; a value stored before R19 (no prefix) is returned as it is. */
  openName(userId: string, stored: string): string {
    if (!isSealedText(stored)) return stored;
    // Bound to the user id: the same sealed value under another user's row is opened (and refused) afresh.
    return this.#opened.get(`n ${userId} ${stored}`, () =>
      openText(this.#sealKey, stored, aad('user.displayName', userId)),
    );
  }

  /** An email address (lower-cased first) as stored and looked up: the same address always gives the same value. */
  sealEmail(email: string): string {
    const plain = Buffer.from(email.toLowerCase(), 'utf8');
    const nonce = createHmac('sha256', this.#indexKey).update(plain).digest().subarray(0, 12);
    const cipher = createCipheriv('aes-256-gcm', this.#detKey, nonce);
    cipher.setAAD(aad('email'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return DETERMINISTIC_PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('hex');
  }

  /** The address from its stored value; a value stored before R19 is returned as it is. */
  openEmail(stored: string): string {
    if (!stored.startsWith(DETERMINISTIC_PREFIX)) return stored;
    return this.#opened.get(`e ${stored}`, () => this.#openEmail(stored));
  }

  #openEmail(stored: string): string {
    const raw = Buffer.from(stored.slice(DETERMINISTIC_PREFIX.length), 'hex');
    if (raw.length < 28) throw new SealError('malformed', 'sealed email too short');
    const decipher = createDecipheriv('aes-256-gcm', this.#detKey, raw.subarray(0, 12));
    decipher.setAAD(aad('email'));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    try {
      return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SealError('auth-failed', 'sealed email does not open');
    }
  }
}
