/**
 * A transport carries plain messages between the editor and the engine host. It is only
 * `send`, `onMessage` and `close`; the rpc layer (rpc.ts) gives the messages meaning.
 *
 * Messages are `unknown` on purpose: a text transport (WebSocket) hands over the raw frame,
 * an object transport (memory, MessagePort) the cloned object, and the rpc layer checks
 * either before trusting it.
 */
export interface Transport {
  /** Sends one message. After `close()` this is a no-op. */
  send(message: unknown): void;
  /** Registers a listener for incoming messages; returns a function that removes it. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** Closes this end; the other end (where the medium can tell) sees it closed too. */
  close(): void;
  /** Registers a listener for the transport closing (either side); returns its remover. */
  onClose?(listener: (reason?: string) => void): () => void;
}

/** A small listener set shared by the transports. */
export class ListenerSet<A extends unknown[]> {
  private readonly listeners = new Set<(...args: A) => void>();

  add(listener: (...args: A) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(...args: A): void {
    for (const listener of [...this.listeners]) listener(...args);
  }

  clear(): void {
    this.listeners.clear();
  }
}
