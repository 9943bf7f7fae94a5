/**
 * ICE settings the server hands a client with `media:join` and `check:start` (issue 14): TURN servers with
 * short-lived credentials minted for this user (TURN REST: username `<expiry unix seconds>:<userId>`,
 * credential base64 HMAC-SHA1 of the username with coturn's shared secret), and whether the client must
 * use relay-only ICE (a test/diagnosis setting; never in production).
 */
export interface IceServer {
  urls: string[];
  username: string;
  credential: string;
}

export type IceTransportPolicy = 'all' | 'relay';

/** Optional on answers: absent when the server has no TURN configured. */
export interface IceSettings {
  iceServers?: IceServer[];
  iceTransportPolicy?: IceTransportPolicy;
}
