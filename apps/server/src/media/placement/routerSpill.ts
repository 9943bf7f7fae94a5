import type { types } from 'mediasoup';
import type { ProducerAppData } from '../mediaPeer.js';
import type { MediaWorkerPool } from '../workerPool.js';

interface SpillSlot {
  ready: Promise<types.Router>;
  current: types.Router | undefined;
  peers: Set<string>;
}

/**
 * The routers a room holds beyond its main one when it is too big for one worker (R23, issue 14). Each
 * spill router is on a worker the room does not use yet; peers are put on one when the room's routers are
 * full (`routerForPeer`), and a producer reaches a consumer on another router through
 * `router.pipeToRouter` (same process: two PipeTransports over loopback, set up once per producer and
 * router; mediasoup forwards pause/resume through the pipe and closes the piped producer with its
 * original). Across nodes a room grows onto satellites linked by PipeTransports (media/links/, docs/SCALING.md).
 */
export class RouterSpill {
  readonly #slots: SpillSlot[] = [];
  /** `${producerId} ${routerId}` → the pipe of that producer into that router. */
  readonly #pipes = new Map<string, Promise<unknown>>();
  #closed = false;

  constructor(
    private readonly pool: MediaWorkerPool,
    private readonly main: () => Promise<types.Router>,
  ) {}

  get size(): number {
    return this.#slots.length;
  }

  /** Peers per spill router, in the order `assign` numbers them. */
  loads(): Array<{ peers: number }> {
    return this.#slots.map((s) => ({ peers: s.peers.size }));
  }

  /** Puts a peer on spill router `which` or on a new one (another worker); returns its router getter. */
  assign(peerId: string, which: number | 'new'): () => Promise<types.Router> {
    const slot = which === 'new' ? this.#open() : this.#slots[which];
    if (!slot) throw new Error(`no spill router ${which}`);
    slot.peers.add(peerId);
    return () => slot.ready;
  }

  /** The peer left its spill router; an empty spill router closes. */
  unassign(peerId: string, router: () => Promise<types.Router>): void {
    const i = this.#slots.findIndex((s) => s.ready === router());
    const slot = this.#slots[i];
    if (!slot) return;
    slot.peers.delete(peerId);
    if (slot.peers.size > 0) return;
    this.#slots.splice(i, 1);
    slot.current?.close();
    void slot.ready.then((r) => r.close()).catch(() => {});
  }

  /** Makes `producer` consumable on `to` (piping it there from its own router when that is another). */
  async reach(producer: types.Producer<ProducerAppData>, to: types.Router): Promise<void> {
    const from = await this.#routerOf(producer.appData.peerId);
    if (from === to || producer.closed) return;
    const key = `${producer.id} ${to.id}`;
    let pipe = this.#pipes.get(key);
    if (!pipe) {
      pipe = from.pipeToRouter({ producerId: producer.id, router: to });
      this.#pipes.set(key, pipe);
      pipe.catch(() => this.#pipes.delete(key));
      producer.observer.once('close', () => this.#pipes.delete(key));
      to.observer.once('close', () => this.#pipes.delete(key));
    }
    await pipe;
  }

  /** Spill routers whose worker died are dropped; returns their peers (they must start over). */
  dropDead(): string[] {
    const dead = this.#slots.filter((s) => s.current?.closed);
    for (const s of dead) this.#slots.splice(this.#slots.indexOf(s), 1);
    return dead.flatMap((s) => [...s.peers]);
  }

  close(): void {
    this.#closed = true;
    for (const s of this.#slots.splice(0)) {
      s.current?.close();
      void s.ready.then((r) => r.close()).catch(() => {});
    }
    this.#pipes.clear();
  }

  async #routerOf(peerId: string): Promise<types.Router> {
    const slot = this.#slots.find((s) => s.peers.has(peerId));
    return slot ? slot.ready : this.main();
  }

  #open(): SpillSlot {
    const slot: SpillSlot = { ready: Promise.resolve() as never, current: undefined, peers: new Set() };
    slot.ready = (async () => {
      const routers = [await this.main(), ...this.#slots.flatMap((s) => (s.current ? [s.current] : []))];
      const router = await this.pool.createRouter({ awayFrom: routers });
      if (this.#closed || !this.#slots.includes(slot)) {
        router.close();
        throw new Error('the room’s spill router is no longer needed');
      }
      slot.current = router;
      return router;
    })();
    slot.ready.catch(() => {});
    this.#slots.push(slot);
    return slot;
  }
}
