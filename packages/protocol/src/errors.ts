/**
 * The catalogue of stable error codes. Clients switch on `code`, never on message text; the server maps
 * each code to an HTTP status (below) or a socket ack `{ ok: false, error }`.
 */
export const ERROR_CODES = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  /** Email or password wrong, account locked or disabled: deliberately one code (no account probing). */
  SIGNIN_FAILED: 401,
  /** The email code is wrong; the same sign-in attempt may try again. */
  OTP_INVALID: 401,
  /** The sign-in attempt is over (code expired, used, or too many wrong codes): sign in again. */
  OTP_EXPIRED: 401,
  EMAIL_NOT_VERIFIED: 403,
  PASSWORD_POLICY: 400,
  PASSWORD_REUSED: 400,
  LINK_INVALID: 410,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  PLAN_REQUIRED: 403,
  /** The workspace's IP allow-list does not include the client's address (R12). */
  IP_NOT_ALLOWED: 403,
  /** An allow-list that would shut out the admin's own current address, saved without confirming it. */
  IP_SELF_EXCLUDED: 409,
  /** A CSV upload refused as a whole (not CSV, encoding, size, header, rows): `fields.file` names why. */
  CSV_INVALID: 400,
  /** SAML sign-in refused (bad or unsigned response, replay, wrong audience, ...); the reason is in the access log. */
  SSO_FAILED: 401,
  /** This workspace signs in through its identity provider: password sign-in is refused (R11). */
  SSO_REQUIRED: 403,
  /**
   * The session came through another workspace's identity provider: an IdP vouches for its own workspace
   * only, so this workspace needs a sign-in of its own.
   */
  SSO_SESSION_ELSEWHERE: 403,
  /** The pasted IdP metadata cannot be used (not SAML metadata, DTD/entities, no certificate, ...). */
  SSO_METADATA_INVALID: 400,
  /** The workspace has no (enabled) SSO configuration. */
  SSO_NOT_CONFIGURED: 404,
  /** An email domain routed to SSO by another workspace already (`fields.domains`). */
  SSO_DOMAIN_TAKEN: 409,
  /** "SSO required" without a break-glass owner, saved without confirming that nobody keeps password sign-in. */
  SSO_NO_BREAK_GLASS: 409,
  // Contracts, operators and workspace deletion (issue 13, helper C):
  /** An operator request without a reason (`x-ops-reason`): every operator action is logged with its reason. */
  OPS_REASON_REQUIRED: 400,
  /** Deleting a workspace needs its name typed again; the name given differs. */
  CONFIRMATION_MISMATCH: 400,
  /** The workspace is not closed (nothing to restore), or already erased. */
  NOT_RESTORABLE: 409,
  // Uploads (issue 13, helper U: images, R16):
  /** Not a JPEG, PNG, WebP or GIF judged by its bytes (SVG, PDF, HTML, a renamed file…). */
  IMAGE_TYPE_NOT_ALLOWED: 415,
  /** The upload is over the size limit (10 MB). */
  IMAGE_TOO_LARGE: 413,
  /** Width × height (× frames) over the limit: refused before decoding (decompression bombs). */
  IMAGE_TOO_MANY_PIXELS: 413,
  /** The bytes do not decode as the image they claim to be, or carry markup or script (a polyglot). */
  IMAGE_INVALID: 400,
  /**
   * An image attached to a message is no longer waiting to be sent: it expired (an hour after upload), was
   * sent already, or is not the sender's. Attach it again.
   */
  IMAGE_GONE: 410,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  /** Too many connection checks from this address (open at once, or started this minute); see retryAfter. */
  CHECK_LIMIT: 429,
  /** The server is running as many connection checks as it allows; see retryAfter. */
  CHECK_BUSY: 503,
  /** Handshake refused: this person has as many sockets (tabs) open for the workspace as allowed. */
  TOO_MANY_CONNECTIONS: 429,
  /** A media peer asked for more transports or producers than it may hold. */
  MEDIA_LIMIT: 409,
  PROTOCOL_OUTDATED: 426,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  // Operations (issue 13, helper B: backups R20, health and maintenance R21):
  /** /healthz: the store did not answer a read in time (or failed it). */
  STORE_UNAVAILABLE: 503,
  /** A backup is already running (this or another process holds the backup folder's lock). */
  BACKUP_IN_PROGRESS: 409,
  /** STORE=firestore: Tsudoi does not copy the shared store; use the engine's export (docs/STORAGE.md). */
  BACKUP_NOT_SUPPORTED: 501,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The JSON body of every failed HTTP request and the `error` of every failed socket ack. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Field-level problems for VALIDATION_FAILED: path → message. */
  fields?: Record<string, string>;
  /** Seconds until a RATE_LIMITED request may be retried. */
  retryAfter?: number;
}

/** HTTP status for an error code. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** True when a value has the shape of an {@link ErrorBody}. */
export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    (value as { code: string }).code in ERROR_CODES
  );
}
