/**
 * A fake engine host for rpc and transport tests: every EngineApi method, overridable,
 * and an event emitter the test drives.
 */
import type { EngineApi, EngineEvents } from './api';
import { engineMethods } from './methods';
import type { EngineEventName, ServedHost } from './rpc';
import { ListenerSet } from './transport';

export interface FakeHost extends ServedHost {
  emit<E extends EngineEventName>(name: E, payload: EngineEvents[E]): void;
  listenerCount(): number;
}

export function createFakeHost(overrides: Partial<EngineApi> = {}): FakeHost {
  const api: Record<string, unknown> = {};
  for (const method of engineMethods) {
    api[method] = async () => {
      throw new Error(`fake host: ${method} not implemented`);
    };
  }
  Object.assign(api, overrides);
  const listeners = new ListenerSet<[EngineEventName, unknown]>();
  let count = 0;
  return {
    api: api as unknown as EngineApi,
    onEvent(listener) {
      count++;
      const remove = listeners.add(listener as (name: EngineEventName, payload: unknown) => void);
      return () => {
        count--;
        remove();
      };
    },
    emit: (name, payload) => listeners.emit(name, payload),
    listenerCount: () => count,
  };
}
