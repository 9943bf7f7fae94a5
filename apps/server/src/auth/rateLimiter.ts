import type { SharedLimits } from '../scaling/sharedLimits.js';

/**
 * A fixed-window counter per key; in memory (one node), or with `shared` (several nodes, REDIS_URL) in
 * Redis under `name:` so every node counts into one window ({@link take}).
 */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly shared?: { limits: SharedLimits; name: string },
  ) {}

  /** {@link hit} across nodes when shared: 0 when allowed, else ms until the window resets. */
  async take(key: string, now: number): Promise<number> {
    if (!this.shared) return this.hit(key, now);
    return this.shared.limits.hit(`${this.shared.name}:${key}`, this.limit, this.windowMs, now);
  }

  /** Counts one hit; returns 0 when allowed, else the milliseconds until the window resets. */
  hit(key: string, now: number): number {
    const w = this.#windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      this.#windows.set(key, { start: now, count: 1 });
      this.#prune(now);
      return 0;
    }
    w.count++;
    return w.count > this.limit ? w.start + this.windowMs - now : 0;
  }

  #prune(now: number) {
    if (this.#windows.size < 10_000) return;
    for (const [k, w] of this.#windows) if (now - w.start >= this.windowMs) this.#windows.delete(k);
  }
}
