import { addressKey } from '../http/clientIp.js';
import type { SharedLimits } from '../scaling/sharedLimits.js';

/** Bounds on the anonymous connection check, which makes the SFU allocate a router and a transport for anyone. */
export interface CheckLimits {
  /** Checks open at once from one client address. */
  perIp: number;
  /** Checks started per client address in any 60 s. */
  perIpPerMinute: number;
  /** Checks open at once on this server. */
  total: number;
  /** A check closes by itself this long after it started. */
  lifetimeMs: number;
}

export const DEFAULT_CHECK_LIMITS: Readonly<CheckLimits> = {
  perIp: 2,
  perIpPerMinute: 10,
  total: 50,
  lifetimeMs: 30_000,
};

/** Why a check was refused: too many from this address (open or recently started), or the server is full. */
export type CheckRefusal = { reason: 'perIp' | 'rate' | 'total'; retryAfterMs: number };

export type Admission =
  | { ok: true; key: string; release: () => void }
  | ({ ok: false; key: string } & CheckRefusal);

const WINDOW_MS = 60_000;

/** The address a limit counts by (IPv4, or an IPv6 /64): one definition, in http/clientIp.ts. */
export { addressKey };

/**
 * Who may start a connection check now. Pure bookkeeping with time as input: `admit()` reserves a slot
 * and returns its `release()` (idempotent), which the check's owner calls when the check closes.
 */
export class CheckAdmission {
  /** Start times of the open checks, per address key. */
  readonly #open = new Map<string, number[]>();
  /** Start times within the last minute, per address key (at most `perIpPerMinute` each). */
  readonly #recent = new Map<string, number[]>();
  #total = 0;
  #sweptAt: number;

  /** Start times of the checks open on this node when the per-address counts live in Redis. */
  readonly #sharedStarts: number[] = [];
  #seq = 0;

  constructor(
    readonly limits: Readonly<CheckLimits>,
    private readonly now: () => number = Date.now,
    /**
     * Several nodes: the per-address counts (open, started per minute) live there, so an address cannot get
     * its allowance once per node. `total` stays per node: it bounds this node's routers and transports.
     */
    private readonly shared?: SharedLimits,
  ) {
    this.#sweptAt = now();
  }

  /** {@link admit}, with the per-address counts shared across nodes when there are several. */
  async request(ip: string): Promise<Admission> {
    const shared = this.shared;
    if (!shared) return this.admit(ip);
    const now = this.now();
    const key = addressKey(ip);
    const id = `${process.pid}.${++this.#seq}.${now}`;
    const openKey = `check:open:${key}`;
    const perIp = await shared.acquire(openKey, id, this.limits.perIp, now, this.limits.lifetimeMs);
    if (perIp > 0) return { ok: false, key, reason: 'perIp', retryAfterMs: perIp };
    const giveBack = () => void shared.release(openKey, id);
    const starts = this.#sharedStarts;
    if (this.#total >= this.limits.total) {
      giveBack();
      const ends = Math.max(0, Math.min(...starts) + this.limits.lifetimeMs - now);
      return { ok: false, key, reason: 'total', retryAfterMs: ends };
    }
    this.#total += 1; // reserved before the next wait: two requests cannot both take the last one
    starts.push(now);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#total -= 1;
      starts.splice(starts.indexOf(now), 1);
      giveBack();
    };
    const rate = await shared.log(`check:rate:${key}`, this.limits.perIpPerMinute, WINDOW_MS, now);
    if (rate > 0) {
      release();
      return { ok: false, key, reason: 'rate', retryAfterMs: rate };
    }
    return { ok: true, key, release };
  }

  /** Checks open now (all addresses). */
  get openCount(): number {
    return this.#total;
  }

  admit(ip: string): Admission {
    const now = this.now();
    const key = addressKey(ip);
    this.#sweep(now);
    const open = this.#open.get(key) ?? [];
    const recent = (this.#recent.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    const ends = (starts: number[]) => Math.max(0, Math.min(...starts) + this.limits.lifetimeMs - now);
    if (open.length >= this.limits.perIp)
      return { ok: false, key, reason: 'perIp', retryAfterMs: ends(open) };
    if (recent.length >= this.limits.perIpPerMinute)
      return { ok: false, key, reason: 'rate', retryAfterMs: Math.min(...recent) + WINDOW_MS - now };
    if (this.#total >= this.limits.total)
      return { ok: false, key, reason: 'total', retryAfterMs: ends([...this.#open.values()].flat()) };

    open.push(now);
    recent.push(now);
    this.#open.set(key, open);
    this.#recent.set(key, recent);
    this.#total += 1;
    let released = false;
    return {
      ok: true,
      key,
      release: () => {
        if (released) return;
        released = true;
        this.#total -= 1;
        const list = this.#open.get(key);
        list?.splice(list.indexOf(now), 1);
        if (list?.length === 0) this.#open.delete(key);
      },
    };
  }

  /** Forgets addresses with no start in the last minute, at most once a minute (bounded memory). */
  #sweep(now: number): void {
    if (now - this.#sweptAt < WINDOW_MS) return;
    this.#sweptAt = now;
    for (const [key, starts] of this.#recent) {
      if (!starts.some((t) => t > now - WINDOW_MS)) this.#recent.delete(key);
    }
  }
}
