/**
 * Errors that cross the engine boundary. On the wire an error is `{name, message, data?}`;
 * the calling side re-throws it as an `EngineError` whose `name` and `message` are the
 * remote ones, so `error.name === 'GraphInvalidError'` works in the editor as in the engine.
 */

/** The JSON form of an error on the wire. */
export interface WireError {
  name: string;
  message: string;
  /** Extra JSON the error carried, e.g. `{ issues }` of a `GraphInvalidError`. */
  data?: unknown;
}

/** Well-known error names the rpc layer itself produces. */
export const RpcErrorName = {
  /** The message was not a well-formed request (not JSON, wrong fields, too big). */
  badMessage: 'BadMessage',
  /** The method does not exist on EngineApi. */
  unknownMethod: 'UnknownMethod',
  /** The arguments have the wrong count or type. */
  badArguments: 'BadArguments',
  /** The caller cancelled the request. */
  aborted: 'AbortError',
  /** The transport closed before the answer came. */
  disconnected: 'EngineDisconnected',
  /** A feature this build of the engine does not include. */
  notAvailable: 'NotAvailable',
} as const;

/** An error raised by (or on the way to) the engine, re-thrown on the calling side. */
export class EngineError extends Error {
  /** Extra JSON the remote error carried, if any. */
  readonly data: unknown;

  constructor(name: string, message: string, data?: unknown) {
    super(message);
    this.name = name;
    this.data = data;
  }

  /** Rebuilds an error received on the wire. */
  static fromWire(error: WireError): EngineError {
    return new EngineError(error.name, error.message, error.data);
  }
}

/** Turns anything thrown into its wire form, keeping `issues` (GraphInvalidError) and `data`. */
export function toWireError(error: unknown): WireError {
  if (error instanceof EngineError) {
    return error.data === undefined
      ? { name: error.name, message: error.message }
      : { name: error.name, message: error.message, data: error.data };
  }
  if (error instanceof Error) {
    const issues = (error as { issues?: unknown }).issues;
    const wire: WireError = { name: error.name || 'Error', message: error.message };
    if (Array.isArray(issues)) wire.data = { issues: jsonSafe(issues) };
    return wire;
  }
  return { name: 'Error', message: typeof error === 'string' ? error : safeString(error) };
}

function jsonSafe(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return undefined;
  }
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
