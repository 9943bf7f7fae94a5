import { createHash, createHmac, randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

/**
 * A minimal TURN client over TCP or TLS (RFC 5389 STUN framing, RFC 5766 Allocate and CreatePermission
 * with long-term credentials), enough for tests to ask a real coturn whether it accepts a credential and
 * which peers it relays to. No vitest imports.
 */

const MAGIC = 0x2112a442;
const ALLOCATE = 0x003;
const CREATE_PERMISSION = 0x008;
const A = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  XOR_PEER_ADDRESS: 0x0012,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019,
} as const;

export interface TurnAnswer {
  /** 'success' or 'error' (STUN class). */
  outcome: 'success' | 'error';
  /** ERROR-CODE (e.g. 401 Unauthorized, 403 Forbidden); 0 on success. */
  code: number;
  /** XOR-RELAYED-ADDRESS of a successful Allocate. */
  relayed?: { address: string; port: number };
}

interface Message {
  type: number;
  attrs: Map<number, Buffer>;
}

const attr = (type: number, value: Buffer): Buffer => {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  const pad = Buffer.alloc((4 - (value.length % 4)) % 4);
  return Buffer.concat([head, value, pad]);
};

const xorAddress = (ip: string, port: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeUInt8(0x01, 1);
  b.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const n = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  b.writeUInt32BE((n ^ MAGIC) >>> 0, 4);
  return b;
};

const readXorAddress = (b: Buffer) => {
  const port = b.readUInt16BE(2) ^ (MAGIC >>> 16);
  const n = (b.readUInt32BE(4) ^ MAGIC) >>> 0;
  return { address: [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.'), port };
};

/** A STUN request; with `key`, MESSAGE-INTEGRITY over everything before it (length counting it). */
function encode(method: number, attrs: Buffer[], key?: Buffer): Buffer {
  const body = Buffer.concat(attrs);
  const head = Buffer.alloc(20);
  head.writeUInt16BE(method, 0);
  head.writeUInt16BE(body.length + (key ? 24 : 0), 2);
  head.writeUInt32BE(MAGIC, 4);
  randomBytes(12).copy(head, 8);
  const msg = Buffer.concat([head, body]);
  if (!key) return msg;
  return Buffer.concat([msg, attr(A.MESSAGE_INTEGRITY, createHmac('sha1', key).update(msg).digest())]);
}

function decode(b: Buffer): Message {
  const attrs = new Map<number, Buffer>();
  for (let i = 20; i + 4 <= b.length; ) {
    const type = b.readUInt16BE(i);
    const len = b.readUInt16BE(i + 2);
    attrs.set(type, b.subarray(i + 4, i + 4 + len));
    i += 4 + len + ((4 - (len % 4)) % 4);
  }
  return { type: b.readUInt16BE(0), attrs };
}

function answerOf(m: Message): TurnAnswer {
  const isError = (m.type & 0x0110) === 0x0110;
  const err = m.attrs.get(A.ERROR_CODE);
  const relayed = m.attrs.get(A.XOR_RELAYED_ADDRESS);
  return {
    outcome: isError ? 'error' : 'success',
    code: isError && err ? (err.readUInt8(2) & 7) * 100 + err.readUInt8(3) : 0,
    ...(relayed ? { relayed: readXorAddress(relayed) } : {}),
  };
}

/** One TCP/TLS connection to a TURN server; `close()` ends it (and so its allocation). */
export class TurnTcpClient {
  #buf = Buffer.alloc(0);
  #waiting: Array<(m: Message) => void> = [];
  #auth: { attrs: Buffer[]; key: Buffer } | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      while (this.#buf.length >= 20) {
        const total = 20 + this.#buf.readUInt16BE(2);
        if (this.#buf.length < total) break;
        const m = decode(this.#buf.subarray(0, total));
        this.#buf = this.#buf.subarray(total);
        this.#waiting.shift()?.(m);
      }
    });
  }

  static connect(host: string, port: number, useTls = false): Promise<TurnTcpClient> {
    return new Promise((resolve, reject) => {
      const socket = useTls
        ? tls.connect({ host, port, rejectUnauthorized: false }, () => resolve(new TurnTcpClient(socket)))
        : net.connect({ host, port }, () => resolve(new TurnTcpClient(socket)));
      socket.once('error', reject);
    });
  }

  #send(msg: Buffer, timeoutMs = 5_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('TURN server did not answer')), timeoutMs);
      this.#waiting.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.socket.write(msg);
    });
  }

  /** Allocate a UDP relay with long-term credentials (the 401 challenge first, then the signed request). */
  async allocate(username: string, password: string): Promise<TurnAnswer> {
    const transport = attr(A.REQUESTED_TRANSPORT, Buffer.from([17, 0, 0, 0]));
    const challenge = await this.#send(encode(ALLOCATE, [transport]));
    const realm = challenge.attrs.get(A.REALM);
    const nonce = challenge.attrs.get(A.NONCE);
    if (!realm || !nonce) return answerOf(challenge);
    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    const attrs = [attr(A.USERNAME, Buffer.from(username)), attr(A.REALM, realm), attr(A.NONCE, nonce)];
    const answer = answerOf(await this.#send(encode(ALLOCATE, [transport, ...attrs], key)));
    if (answer.outcome === 'success') this.#auth = { attrs, key };
    return answer;
  }

  /** Asks to relay to `peerIp` (IPv4) on the allocation; coturn answers 403 for a denied peer. */
  async createPermission(peerIp: string): Promise<TurnAnswer> {
    if (!this.#auth) throw new Error('allocate first');
    const peer = attr(A.XOR_PEER_ADDRESS, xorAddress(peerIp, 9));
    return answerOf(await this.#send(encode(CREATE_PERMISSION, [peer, ...this.#auth.attrs], this.#auth.key)));
  }

  close(): void {
    this.socket.destroy();
  }
}
