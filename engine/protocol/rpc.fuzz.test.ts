/**
 * Property tests of the rpc server against random frames: junk bytes, wrong shapes, real
 * methods with random arguments, NUL bytes and path tricks. Each frame that names a request
 * id is answered exactly once, with a domain error (a known name, no stack, no Node error
 * text) or a result; nothing throws out of the server; the log stays short.
 *
 * Seeded: FUZZ_SEED=<n> replays a run (fast-check prints the seed of a failure).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineApi } from './api';
import { engineMethods } from './methods';
import { serveApi } from './rpc';
import { createFakeHost } from './test-support';
import { createMemoryTransportPair } from './transports/memory';

const seed = Number(process.env.FUZZ_SEED ?? 20261201);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Error names the rpc layer and the fake host may answer with. */
const DOMAIN_ERRORS = new Set(['BadMessage', 'UnknownMethod', 'BadArguments', 'FakeHostAnswer']);
/** Signs of an internal error leaking: Node error codes, stack frames, our temporary names. */
const RAW_ERROR_TEXT =
  /\b(E[A-Z]{3,}):|\n\s+at |node:internal|is not a function|Cannot read propert|cnnstudio-tmp/;

/** Methods whose first argument is a path or an id. */
const PATH_OR_ID_FIRST = [
  'getPreset',
  'getDatasetSamples',
  'stopRun',
  'pauseRun',
  'resumeRun',
  'getRun',
  'deleteRun',
  'predict',
  'misclassified',
  'openProject',
  'saveProject',
  'listProjects',
] as const;

/** A host whose every method answers with a domain error (what a careful engine does). */
function answeringHost() {
  const api: Partial<Record<keyof EngineApi, () => Promise<never>>> = {};
  for (const method of engineMethods) {
    api[method] = async () => {
      throw Object.assign(new Error(`${method} reached the engine`), { name: 'FakeHostAnswer' });
    };
  }
  return createFakeHost(api as Partial<EngineApi>);
}

const pathTrick = fc.oneof(
  fc.constantFrom(
    '',
    '/',
    '.',
    '..',
    '../../etc/passwd',
    'a\u0000b',
    '\u0000',
    '%2e%2e/x',
    'C:\\Windows\\x',
    '~/x',
    'x'.repeat(5000),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const anyJson = fc.jsonValue({ maxDepth: 3 });
const argument = fc.oneof(
  pathTrick,
  anyJson,
  fc.constantFrom(null, NaN, Infinity, -1, 2 ** 60, 1.5, true, [], {}),
);

const frame = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }), // junk text
  fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  anyJson, // any JSON value as an object frame
  fc.record({
    type: fc.constantFrom('request', 'cancel', 'response', 'event', 'x'),
    id: fc.oneof(fc.nat(), fc.constantFrom(-1, 1.5, '1', null)),
    method: fc.oneof(fc.constantFrom(...engineMethods, '__proto__', 'constructor', 'toString'), fc.string()),
    params: fc.oneof(fc.array(argument, { maxLength: 4 }), argument),
  }),
  // well-formed requests of real methods with random arguments
  fc.record({
    type: fc.constant('request'),
    id: fc.nat(),
    method: fc.constantFrom(...engineMethods),
    params: fc.array(argument, { maxLength: 4 }),
  }),
);

describe('rpc server under random frames', () => {
  it('answers each request once with a domain error or a result, never raw, never crashing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 40 }), async (frames) => {
        const [editor, engine] = createMemoryTransportPair();
        const logs: string[] = [];
        const stop = serveApi(engine, answeringHost(), {
          log: (line) => logs.push(line),
          refusedLogBurst: 5,
        });
        const replies: Array<{ id: number | null; error?: { name: string; message: string } }> = [];
        editor.onMessage((message) => replies.push(message as (typeof replies)[number]));

        let nextId = 1_000_000_000; // far from ids a junk frame could spell
        for (const raw of frames) {
          // Unique ids, so "answered once" is checkable; frames keep their shape otherwise.
          const unique =
            typeof raw === 'object' &&
            raw !== null &&
            'id' in raw &&
            typeof raw.id === 'number' &&
            raw.id >= 0 &&
            Number.isInteger(raw.id)
              ? { ...raw, id: nextId++ }
              : raw;
          editor.send(typeof unique === 'string' ? unique : JSON.stringify(unique));
        }
        await tick();
        await tick();
        stop();

        const counts = new Map<number, number>();
        for (const reply of replies) {
          if (reply.id !== null) counts.set(reply.id, (counts.get(reply.id) ?? 0) + 1);
          if (reply.error) {
            expect(DOMAIN_ERRORS, reply.error.message).toContain(reply.error.name);
            expect(reply.error.message).not.toMatch(RAW_ERROR_TEXT);
            expect(reply.error.message.length).toBeLessThan(2000);
          }
        }
        for (const [id, count] of counts) expect(count, `answers to request ${id}`).toBe(1);
        expect(logs.length).toBeLessThanOrEqual(6); // 5 refused lines + 1 summary
      }),
      { seed, numRuns: 300 },
    );
  });

  it('lets no path or id past the schemas that is empty, not a string or holds a NUL byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PATH_OR_ID_FIRST),
        fc.array(argument, { maxLength: 4 }),
        async (method, params) => {
          const [editor, engine] = createMemoryTransportPair();
          const reached: unknown[][] = [];
          const api: Partial<Record<string, (...args: unknown[]) => Promise<null>>> = {};
          for (const name of engineMethods) {
            api[name] = async (...args: unknown[]) => {
              reached.push(args);
              return null;
            };
          }
          serveApi(engine, createFakeHost(api as Partial<EngineApi>));
          editor.send({ type: 'request', id: 1, method, params });
          await tick();
          for (const [first] of reached) {
            if (first === undefined && method === 'listProjects') continue; // optional
            expect(typeof first).toBe('string');
            expect(first).not.toBe('');
            expect(first as string).not.toContain('\u0000');
          }
        },
      ),
      { seed, numRuns: 400 },
    );
  });
});
