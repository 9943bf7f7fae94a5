import { EventEmitter } from 'node:events';

/** Event maps are keyed by name with tuple payloads, as in mediasoup's `enhancedEvents.ts`. */
export type Events<E> = { [K in keyof E]: unknown[] };

/** Reports a listener that threw; replaceable so the app can route it to its logger. */
export type ListenerErrorReporter = (event: string, error: unknown) => void;

let reportListenerError: ListenerErrorReporter = (event, error) => {
  console.error(`listener of "${event}" threw`, error);
};

/** Routes errors thrown by listeners (e.g. to pino) instead of the console. */
export function setListenerErrorReporter(reporter: ListenerErrorReporter): void {
  reportListenerError = reporter;
}

/**
 * A typed EventEmitter whose `safeEmit` calls every listener even when one throws: a faulty subscriber
 * (say, the retention job) must not leave the floor half-updated. `on()` returns its own disposer so every
 * subscription can be paired with its removal.
 */
export class EnhancedEventEmitter<E extends Events<E>> extends EventEmitter<{ [K in keyof E]: E[K] }> {
  /** Emits to each listener in turn; a throwing listener is reported and the rest still run. */
  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    const listeners = this.rawListeners(event as never) as unknown as Array<(...a: E[K]) => void>;
    for (const listener of listeners) {
      try {
        listener.apply(this, args);
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
    return listeners.length > 0;
  }

  /** Where a throwing listener is reported; an emitter with its own logger may override it. */
  protected onListenerError(event: string, error: unknown): void {
    reportListenerError(event, error);
  }

  /** Subscribes and returns the matching unsubscribe. */
  subscribe<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): () => void {
    this.on(event as never, listener as never);
    return () => {
      this.off(event as never, listener as never);
    };
  }
}

/** Runs collected disposers once, in reverse order, so owners can undo every subscription in `close()`. */
export class Disposers {
  #fns: Array<() => void> = [];

  add(...fns: Array<() => void>): void {
    this.#fns.push(...fns);
  }

  dispose(): void {
    const fns = this.#fns.reverse();
    this.#fns = [];
    for (const fn of fns) fn();
  }
}
