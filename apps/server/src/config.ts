import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { MasterKeyring } from './crypto/masterKey.js';
import { masterKeysOf } from './crypto/masterKeyConfig.js';
import { parseTrustProxy, type TrustProxy } from './http/clientIp.js';
import type { CheckLimits } from './media/checkAdmission.js';
import { type MediaNetwork, mediaNetworkOf } from './media/mediaNetworkConfig.js';
import { type OperatorCredential, operatorCredentialsOf } from './operators/operatorTokens.js';
import type { SocketLimits } from './realtime/socketCap.js';
import { defaultNodeId, type ScalingConfig } from './scaling/scalingConfig.js';
import type { StoreConfig } from './storage/createStore.js';

/** True when `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const port = (fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((s, ctx) => {
      const n = Number(s);
      if (!/^\d+$/.test(s) || n < 0 || n > 65535) {
        ctx.addIssue({ code: 'custom', message: `must be an integer port 0–65535 (got "${s}")` });
        return z.NEVER;
      }
      return n;
    });

const positiveInt = (fallback: number, max = 1_000_000) =>
  z
    .string()
    .default(String(fallback))
    .transform((s, ctx) => {
      const n = Number(s);
      if (!/^\d+$/.test(s) || n < 1 || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer 1–${max} (got "${s}")` });
        return z.NEVER;
      }
      return n;
    });

const url = z.string().refine((s) => URL.canParse(s), { message: 'must be an absolute URL' });

/** A comma-separated list of web origins (scheme://host[:port], nothing after it). */
const origins = z
  .string()
  .default('')
  .transform((s, ctx) => {
    const list = s
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const o of list) {
      const u = URL.canParse(o) ? new URL(o) : undefined;
      if (!u || !/^https?:$/.test(u.protocol) || u.origin !== o.replace(/\/$/, '')) {
        ctx.addIssue({
          code: 'custom',
          message: `"${o}" is not an origin such as https://tsudoi.example.com`,
        });
        return z.NEVER;
      }
    }
    return list.map((o) => new URL(o).origin);
  });

/**
 * Every environment variable the server reads, with its default. `loadConfig` validates all of them
 * at once and names every bad one; nothing else in the server reads `process.env`.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Port for HTTP and socket.io (0 picks a free port; tests use it). */
  PORT: port(3000),
  /** Interface to listen on; production behind a proxy usually sets 0.0.0.0. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Where the embedded store (SQLite) and other local data live. */
  DATA_DIR: z.string().min(1).default('.data'),
  /** Which store engine: the embedded default (sqlite, in DATA_DIR) or Cloud Firestore (firestore). */
  STORE: z.enum(['sqlite', 'firestore']).default('sqlite'),
  /** Google Cloud project of the Firestore store (STORE=firestore); `demo-*` with the emulator. */
  FIRESTORE_PROJECT_ID: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,61}[a-z0-9]$/, 'must be a Google Cloud project id such as demo-tsudoi')
    .optional(),
  /** host:port of a Firestore emulator (STORE=firestore, local runs and tests). */
  FIRESTORE_EMULATOR_HOST: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port such as 127.0.0.1:8080')
    .optional(),
  /** Service-account key file for a real Firestore project (read by firebase-admin itself). */
  GOOGLE_APPLICATION_CREDENTIALS: z.string().optional(),
  /** The URL users reach Tsudoi at; used in mail links and cookie security. Defaults to http://localhost:PORT. */
  PUBLIC_URL: url.optional(),
  /**
   * Which peers may set X-Forwarded-For: unset = none (the TCP peer is the client); a hop count
   * (e.g. 1 behind one reverse proxy); or the proxies' IPs/CIDRs, comma-separated (e.g. 10.0.0.0/8).
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((s, ctx) => {
      try {
        return parseTrustProxy(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** Web origins besides PUBLIC_URL's that may open sockets and call the API, comma-separated. */
  ALLOWED_ORIGINS: origins,
  /** Outgoing mail, e.g. smtp://user:pass@mail.example.com:587. Empty in development: see DEV_MAIL_INBOX. */
  SMTP_URL: url.optional(),
  /** Sender address of Tsudoi's mail. */
  MAIL_FROM: z.string().min(3).default('Tsudoi <no-reply@tsudoi.invalid>'),
  /** 1: run a built-in SMTP sink and an inbox page at /dev/inbox (development only). */
  DEV_MAIL_INBOX: z.enum(['0', '1']).default('0'),
  /** Time zone for new workspaces and their 1:00 a.m. retention job. */
  TZ_DEFAULT: z
    .string()
    .default('Asia/Tokyo')
    .refine(isTimeZone, { message: 'must be an IANA time zone such as Asia/Tokyo' }),
  /** Number of mediasoup workers (default: one per core). */
  MEDIA_WORKERS: positiveInt(os.availableParallelism(), 64),
  /** IP that mediasoup's WebRTC transports listen on. */
  RTC_LISTEN_IP: z.string().min(1).default('127.0.0.1'),
  /** Public IP or host name announced in ICE candidates (production behind NAT); default: the listen IP. */
  RTC_ANNOUNCED_ADDRESS: z.string().min(1).optional(),
  RTC_MIN_PORT: positiveInt(40000, 65535),
  RTC_MAX_PORT: positiveInt(49999, 65535),
  /** Directory holding the built web app; default: apps/web/dist of this checkout. */
  WEB_DIST: z.string().default(fileURLToPath(new URL('../../web/dist', import.meta.url))),
  /** A session unused this long ends (OWASP ASVS L2: 30 minutes). Open sockets count as use. */
  SESSION_IDLE_MINUTES: positiveInt(30, 24 * 60),
  /** A session ends this long after sign-in, however active (ASVS L2: 12 hours). */
  SESSION_ABSOLUTE_HOURS: positiveInt(12, 24 * 30),
  /** Sign-in/code attempts per client IP per 10 minutes. */
  AUTH_RATE_LIMIT_PER_IP: positiveInt(60),
  /** Sign-in attempts and email-code guesses per account per 10 minutes. */
  AUTH_RATE_LIMIT_PER_ACCOUNT: positiveInt(20),
  /** Account mails (sign-up, verification, sign-in code, reset link) per address and kind per hour. */
  MAIL_PER_ADDRESS_PER_HOUR: positiveInt(5, 10_000),
  /** Invitations one admin may send per hour, over all their workspaces (anti-automation). */
  INVITES_PER_ADMIN_PER_HOUR: positiveInt(50, 10_000),
  /** How long a person stays on the floor after their last tab closed (reloads, network blips). */
  PRESENCE_GRACE_MS: positiveInt(15_000, 600_000),
  /** Connection checks (pre-sign-in network test) open at once from one client address (IPv6: per /64). */
  CHECK_MAX_PER_IP: positiveInt(2, 1_000),
  /** Connection checks one client address may start per minute. */
  CHECK_MAX_PER_IP_PER_MINUTE: positiveInt(10, 10_000),
  /** Connection checks open at once on this server (each holds a router and a transport). */
  CHECK_MAX_TOTAL: positiveInt(50, 100_000),
  /** A connection check closes by itself this long after it started. */
  CHECK_LIFETIME_MS: positiveInt(30_000, 600_000),
  /** Open sockets (browser tabs) one person may hold for one workspace. */
  SOCKETS_PER_USER_MAX: positiveInt(10, 1_000),
  /** Open anonymous sockets (no workspace: status line, connection check) per client address (IPv6: per /64). */
  ANON_SOCKETS_PER_IP_MAX: positiveInt(10, 10_000),
  /** Socket handshakes one person may make per workspace per minute (reconnects included). */
  HANDSHAKES_PER_USER_PER_MINUTE: positiveInt(30, 10_000),
  /** Socket handshakes one client address may make per minute, signed in or not. */
  HANDSHAKES_PER_IP_PER_MINUTE: positiveInt(60, 100_000),
  /** Bearer token for GET /api/ops/stats; unset disables the endpoint. */
  OPS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Named operators (R22): `name:sha256hex,…`, the SHA-256 of each one's token; OPS_TOKEN is the operator "ops". */
  OPS_TOKENS: z.string().optional(),
  /** Encryption at rest (R19): the master key, base64 of 32 bytes (`openssl rand -base64 32`). Required in production. */
  MASTER_KEY: z.string().optional(),
  /** Or a file holding it (base64 text or 32 raw bytes), e.g. a mounted secret. */
  MASTER_KEY_FILE: z.string().optional(),
  /** During a master key rotation: the previous key(s), comma-separated base64; read, never used to wrap. */
  MASTER_KEY_PREVIOUS: z.string().optional(),
  /** Or a file holding the previous key. */
  MASTER_KEY_PREVIOUS_FILE: z.string().optional(),
  /** Where backup generations go (R20; SQLite only); default `<DATA_DIR>-backups`. Best on another disk. */
  BACKUP_DIR: z.string().min(1).optional(),
  /** Backup generations kept; older ones are deleted after each backup (R20: at least 5). */
  BACKUP_GENERATIONS: positiveInt(5, 1000),
  /** Planned maintenance schedule (R21): `monthly` = last Wednesday 20:00–08:00 Asia/Tokyo; `off` = operators' windows only. */
  MAINTENANCE_SCHEDULE: z.enum(['monthly', 'off']).default('monthly'),
  /** Days before a planned maintenance window that users see its banner (R21). */
  MAINTENANCE_BANNER_DAYS: positiveInt(3, 60),
  /** Minutes before a maintenance window starts that rooms get a notice (R21). */
  MAINTENANCE_ROOM_NOTICE_MINUTES: positiveInt(10, 24 * 60),
  /** Several nodes (R23): the Redis shared by every node, `redis://[user:pass@]host:port[/db]` or `rediss://…`; unset = one node. */
  REDIS_URL: z
    .string()
    .refine((s) => URL.canParse(s) && /^rediss?:$/.test(new URL(s).protocol), {
      message: 'must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379',
    })
    .optional(),
  /** This node's name among several (R23); default `<hostname>-<pid>`. */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 characters of A–Z, a–z, 0–9, "_", "." or "-"')
    .optional(),
  /** This node's own public base URL (clients sent to the node hosting their room); default PUBLIC_URL. */
  NODE_URL: url
    .refine((s) => !URL.canParse(s) || /^https?:$/.test(new URL(s).protocol), {
      message: 'must be an http:// or https:// URL',
    })
    .optional(),
  /** Several nodes: a node silent this long (no heartbeat in the store) loses its rooms' media to the next node asked. */
  MEDIA_PLACEMENT_TTL_MS: positiveInt(4_000, 60_000),
  /** Peers one router of a room carries before the room spreads to another worker of the node (pipeToRouter). */
  MEDIA_PEERS_PER_WORKER: positiveInt(25, 10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  /** The store engine and where it is (STORE, FIRESTORE_*); see storage/createStore.ts. */
  store: StoreConfig;
  publicUrl: string | undefined;
  /** Who may set X-Forwarded-For (TRUST_PROXY); see http/clientIp.ts. */
  trustProxy: TrustProxy;
  /** Extra web origins (ALLOWED_ORIGINS), normalised; PUBLIC_URL's origin is always allowed. */
  allowedOrigins: string[];
  smtpUrl: string | undefined;
  mailFrom: string;
  devMailInbox: boolean;
  tzDefault: string;
  /** MediaNetwork: RTC_PORT and TURN_* (media/mediaNetworkConfig.ts). */
  media: MediaNetwork & {
    workers: number;
    listenIp: string;
    announcedAddress: string | undefined;
    minPort: number;
    maxPort: number;
  };
  webDist: string;
  logLevel: string;
  session: { idleMs: number; absoluteMs: number };
  presenceGraceMs: number;
  opsToken: string | undefined;
  /** Every configured operator (OPS_TOKENS, and OPS_TOKEN as "ops"); see operators/operatorTokens.ts. */
  operators: OperatorCredential[];
  authRateLimit: { perIp: number; perAccount: number; windowMs: number };
  /** Account mails per address and kind per hour (a mailbox cannot be flooded). */
  mailPerAddressPerHour: number;
  /** Invitations one admin may send per hour (RATE_LIMITED beyond). */
  invitesPerAdminPerHour: number;
  /** Bounds on realtime clients (denial of service). */
  realtimeLimits: { check: CheckLimits } & SocketLimits;
  /** Master keys for encryption at rest (MASTER_KEY*); see crypto/masterKey.ts. */
  masterKeys: MasterKeyring;
  /** R20 backups (BACKUP_*); see backup/. */
  backup: { dir: string; generations: number };
  /** R21 planned maintenance notices (MAINTENANCE_*); see ops/maintenancePolicy.ts. */
  maintenance: { schedule: 'monthly' | 'off'; bannerDays: number; roomNoticeMinutes: number };
  /** Several nodes (R23): REDIS_URL (unset = one node, all in-process), NODE_ID, NODE_URL. */
  scaling: ScalingConfig;
}

/** Thrown by {@link loadConfig}; `problems` names each bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment and returns the server's configuration, or throws {@link ConfigError}. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? '?');
        return `${name}: ${i.message}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.RTC_MIN_PORT > e.RTC_MAX_PORT) {
    problems.push(`RTC_MIN_PORT: must not exceed RTC_MAX_PORT (${e.RTC_MIN_PORT} > ${e.RTC_MAX_PORT})`);
  }
  const dataDir = path.resolve(e.DATA_DIR);
  let store: StoreConfig = { kind: 'sqlite', dataDir };
  if (e.STORE === 'firestore') {
    const projectId = e.FIRESTORE_PROJECT_ID;
    const emulatorHost = e.FIRESTORE_EMULATOR_HOST;
    if (!projectId) problems.push('FIRESTORE_PROJECT_ID: required with STORE=firestore');
    else if (emulatorHost && !projectId.startsWith('demo-')) {
      problems.push(
        `FIRESTORE_PROJECT_ID: must start with "demo-" when FIRESTORE_EMULATOR_HOST is set (got "${projectId}"; a demo project never reaches Google)`,
      );
    }
    if (!emulatorHost && !e.GOOGLE_APPLICATION_CREDENTIALS) {
      problems.push(
        'FIRESTORE_EMULATOR_HOST: required with STORE=firestore unless GOOGLE_APPLICATION_CREDENTIALS names a service-account key file',
      );
    }
    if (projectId) store = { kind: 'firestore', projectId, ...(emulatorHost ? { emulatorHost } : {}) };
  }
  if (e.BACKUP_GENERATIONS < 5)
    problems.push(
      `BACKUP_GENERATIONS: must be at least 5 (R20 keeps five generations; got ${e.BACKUP_GENERATIONS})`,
    );
  const masterKeys = masterKeysOf(e, problems);
  const operators = operatorCredentialsOf(e.OPS_TOKENS, e.OPS_TOKEN, problems);
  const mediaNetwork = mediaNetworkOf(cleaned, e.NODE_ENV, e.MEDIA_WORKERS, problems);
  if (problems.length > 0 || !masterKeys) throw new ConfigError(problems);
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    store,
    publicUrl: e.PUBLIC_URL,
    trustProxy: e.TRUST_PROXY ?? false,
    allowedOrigins: e.ALLOWED_ORIGINS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    devMailInbox: e.DEV_MAIL_INBOX === '1',
    tzDefault: e.TZ_DEFAULT,
    media: {
      workers: e.MEDIA_WORKERS,
      listenIp: e.RTC_LISTEN_IP,
      announcedAddress: e.RTC_ANNOUNCED_ADDRESS,
      minPort: e.RTC_MIN_PORT,
      maxPort: e.RTC_MAX_PORT,
      ...mediaNetwork,
    },
    webDist: e.WEB_DIST,
    logLevel: e.LOG_LEVEL,
    presenceGraceMs: e.PRESENCE_GRACE_MS,
    opsToken: e.OPS_TOKEN,
    operators,
    session: { idleMs: e.SESSION_IDLE_MINUTES * 60_000, absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000 },
    authRateLimit: {
      perIp: e.AUTH_RATE_LIMIT_PER_IP,
      perAccount: e.AUTH_RATE_LIMIT_PER_ACCOUNT,
      windowMs: 10 * 60_000,
    },
    mailPerAddressPerHour: e.MAIL_PER_ADDRESS_PER_HOUR,
    invitesPerAdminPerHour: e.INVITES_PER_ADMIN_PER_HOUR,
    realtimeLimits: {
      check: {
        perIp: e.CHECK_MAX_PER_IP,
        perIpPerMinute: e.CHECK_MAX_PER_IP_PER_MINUTE,
        total: e.CHECK_MAX_TOTAL,
        lifetimeMs: e.CHECK_LIFETIME_MS,
      },
      socketsPerUser: e.SOCKETS_PER_USER_MAX,
      anonymousPerIp: e.ANON_SOCKETS_PER_IP_MAX,
      handshakesPerUserPerMinute: e.HANDSHAKES_PER_USER_PER_MINUTE,
      handshakesPerIpPerMinute: e.HANDSHAKES_PER_IP_PER_MINUTE,
    },
    masterKeys,
    backup: { dir: path.resolve(e.BACKUP_DIR ?? `${dataDir}-backups`), generations: e.BACKUP_GENERATIONS },
    maintenance: {
      schedule: e.MAINTENANCE_SCHEDULE,
      bannerDays: e.MAINTENANCE_BANNER_DAYS,
      roomNoticeMinutes: e.MAINTENANCE_ROOM_NOTICE_MINUTES,
    },
    scaling: {
      redisUrl: e.REDIS_URL,
      nodeId: e.NODE_ID ?? defaultNodeId(),
      nodeUrl: e.NODE_URL ?? e.PUBLIC_URL,
      placementTtlMs: e.MEDIA_PLACEMENT_TTL_MS,
      peersPerWorker: e.MEDIA_PEERS_PER_WORKER,
    },
  };
}
