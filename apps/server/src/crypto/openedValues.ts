/**
 * Values already opened (decrypted), at most `capacity` of them (the oldest opened goes first). The floor lists a
 * workspace's members for every socket that connects — at 1,000 people, 1,000 connects opened the same
 * 2,000 names and addresses a thousand times each (two AES-GCM operations per member and connect: 11 s of the
 * 9:00 arrival's CPU, docs/BENCHMARKS.md). The key is everything the opening depended on (the stored value
 * and the id it is bound to), so a value moved to another row, or changed, is opened afresh and still fails
 * if it does not belong there. Lifetime: one per codec (per process); nothing is written anywhere.
 */
export class OpenedValues {
  readonly #values = new Map<string, string>();

  constructor(private readonly capacity = 20_000) {}

  /** The opened value for `key`, opening it with `open` (which may throw: nothing is kept then). */
  get(key: string, open: () => string): string {
    // A hit is not moved: at 1,000 members × 1,000 connects, reordering the map on every hit cost 1.3 s of
    // the arrival. So the oldest *opened* value goes first (a still-used one is simply opened again).
    const hit = this.#values.get(key);
    if (hit !== undefined) return hit;
    const value = open();
    this.#values.set(key, value);
    if (this.#values.size > this.capacity) this.#values.delete(this.#values.keys().next().value as string);
    return value;
  }

  get size(): number {
    return this.#values.size;
  }
}
