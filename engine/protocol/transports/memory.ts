/**
 * An in-memory pair of transports for tests and for running the engine in the same
 * process. Messages go through a JSON round-trip, exactly as on the wire, so a value that
 * would not survive the WebSocket (a typed array, `undefined` in an array, a Date) fails
 * the same way here.
 */
import { ListenerSet, type Transport } from '../transport';

class MemoryEnd implements Transport {
  peer: MemoryEnd | null = null;
  private closed = false;
  private readonly messages = new ListenerSet<[unknown]>();
  private readonly closes = new ListenerSet<[string | undefined]>();

  send(message: unknown): void {
    if (this.closed) return;
    const copy = JSON.parse(JSON.stringify(message ?? null)) as unknown;
    const peer = this.peer;
    // Asynchronous like a real medium, so no caller relies on same-tick delivery.
    queueMicrotask(() => peer?.deliver(copy));
  }

  onMessage(listener: (message: unknown) => void): () => void {
    return this.messages.add(listener);
  }

  onClose(listener: (reason?: string) => void): () => void {
    return this.closes.add(listener);
  }

  close(): void {
    if (this.closed) return;
    this.shut('closed by this side');
    this.peer?.shut('closed by the other side');
  }

  private deliver(message: unknown): void {
    if (!this.closed) this.messages.emit(message);
  }

  private shut(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closes.emit(reason);
    this.messages.clear();
    this.closes.clear();
  }
}

/** Two connected transports: what one sends, the other receives. */
export function createMemoryTransportPair(): [Transport, Transport] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
