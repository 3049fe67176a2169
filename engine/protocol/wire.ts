/**
 * The four plain-JSON messages on the wire, and the decoder that checks an incoming
 * message before the rpc layer trusts it.
 *
 * ```
 * { type: 'request',  id, method, params: [...] }
 * { type: 'response', id, result }  |  { type: 'response', id, error: { name, message, data? } }
 * { type: 'event',    name, payload }
 * { type: 'cancel',   id }
 * ```
 * A response to a message whose id could not be read carries `id: null`.
 */
import type { WireError } from './errors';

export interface RequestMessage {
  type: 'request';
  id: number;
  method: string;
  params: unknown[];
}

export type ResponseMessage =
  | { type: 'response'; id: number | null; result: unknown; error?: undefined }
  | { type: 'response'; id: number | null; error: WireError; result?: undefined };

export interface EventMessage {
  type: 'event';
  name: string;
  payload: unknown;
}

export interface CancelMessage {
  type: 'cancel';
  id: number;
}

export type WireMessage = RequestMessage | ResponseMessage | EventMessage | CancelMessage;

/** 64 MiB: enough for a big model export or a dataset sample sheet, small enough to refuse abuse. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export type Decoded = { ok: true; message: WireMessage } | { ok: false; id: number | null; reason: string };

/**
 * Checks one incoming message. Strings (text frames) are size-checked and parsed; objects
 * (memory and MessagePort transports) are checked as they are. Never throws.
 */
export function decodeMessage(raw: unknown, maxBytes = DEFAULT_MAX_MESSAGE_BYTES): Decoded {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    if (raw.length > maxBytes) {
      return {
        ok: false,
        id: sniffId(raw),
        reason: `message of ${raw.length} bytes is larger than the limit of ${maxBytes} bytes`,
      };
    }
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, id: sniffId(raw), reason: 'message is not valid JSON' };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, id: null, reason: 'message must be a JSON object' };
  }
  const m = value as Record<string, unknown>;
  const id = isId(m.id) ? m.id : null;
  switch (m.type) {
    case 'request':
      if (!isId(m.id)) return { ok: false, id: null, reason: 'request needs a non-negative integer id' };
      if (typeof m.method !== 'string') return { ok: false, id, reason: 'request needs a string method' };
      if (m.params !== undefined && !Array.isArray(m.params))
        return { ok: false, id, reason: 'request params must be an array' };
      return {
        ok: true,
        message: {
          type: 'request',
          id: m.id,
          method: m.method,
          params: (m.params as unknown[] | undefined) ?? [],
        },
      };
    case 'response':
      if (m.id !== null && !isId(m.id))
        return { ok: false, id: null, reason: 'response needs an integer id or null' };
      if (m.error !== undefined) {
        const e = m.error as Record<string, unknown> | null;
        if (
          typeof e !== 'object' ||
          e === null ||
          typeof e.name !== 'string' ||
          typeof e.message !== 'string'
        ) {
          return { ok: false, id, reason: 'response error must be {name, message}' };
        }
        return {
          ok: true,
          message: { type: 'response', id, error: { name: e.name, message: e.message, data: e.data } },
        };
      }
      return { ok: true, message: { type: 'response', id, result: m.result } };
    case 'event':
      if (typeof m.name !== 'string') return { ok: false, id: null, reason: 'event needs a string name' };
      return { ok: true, message: { type: 'event', name: m.name, payload: m.payload } };
    case 'cancel':
      if (!isId(m.id)) return { ok: false, id: null, reason: 'cancel needs an integer id' };
      return { ok: true, message: { type: 'cancel', id: m.id } };
    default:
      return {
        ok: false,
        id,
        reason: `unknown message type ${typeof m.type === 'string' ? `'${m.type.slice(0, 40)}'` : String(m.type)}`,
      };
  }
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Best effort: the id of a request we refuse to parse, so the caller's promise still settles. */
function sniffId(raw: string): number | null {
  const match = /"id"\s*:\s*(\d{1,15})/.exec(raw.slice(0, 256));
  return match ? Number(match[1]) : null;
}
