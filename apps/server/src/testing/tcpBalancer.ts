import net from 'node:net';

/**
 * A loopback TCP load balancer for tests with several server processes, as a real one sits in front of
 * Tsudoi nodes: clients connect to `url`; each new connection goes to the first upstream (in the order
 * given) that accepts it, so with upstreams [A, B] everyone lands on A until A is gone, then on B. When an
 * upstream closes or dies, its client connections are closed too (the client sees a dropped connection and
 * reconnects — through the balancer, to a live node). Connection-level only: no HTTP parsing, no
 * stickiness beyond the connection (socket.io's websocket transport is one connection).
 */
export class TcpBalancer {
  readonly #server: net.Server;
  readonly #open = new Set<net.Socket>();
  #upstreams: number[];
  /** Connections forwarded so far, per upstream port. */
  readonly forwarded = new Map<number, number>();

  private constructor(upstreamPorts: number[]) {
    this.#upstreams = upstreamPorts;
    this.#server = net.createServer((client) => this.#accept(client));
  }

  /** Listens on a free loopback port. */
  static async start(upstreamPorts: number[]): Promise<TcpBalancer> {
    const b = new TcpBalancer(upstreamPorts);
    await new Promise<void>((resolve, reject) => {
      b.#server.once('error', reject);
      b.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return b;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Replaces the upstream list (new connections only). */
  setUpstreams(ports: number[]): void {
    this.#upstreams = ports;
  }

  async close(): Promise<void> {
    for (const s of this.#open) s.destroy();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  #accept(client: net.Socket): void {
    this.#open.add(client);
    client.once('close', () => this.#open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const tryNext = (i: number) => {
      const port = this.#upstreams[i];
      if (port === undefined || client.destroyed) {
        client.destroy();
        return;
      }
      const upstream = net.connect({ host: '127.0.0.1', port });
      const refused = () => tryNext(i + 1);
      upstream.once('error', refused);
      upstream.once('connect', () => {
        upstream.off('error', refused);
        this.#open.add(upstream);
        this.forwarded.set(port, (this.forwarded.get(port) ?? 0) + 1);
        upstream.once('close', () => {
          this.#open.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => upstream.destroy());
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryNext(0);
  }
}
