/**
 * fast-check generators of graph documents for the fuzz tests: malformed ones (random
 * JSON, wrong types, huge numbers, prototype-named ids, dangling and looping edges) and
 * small well-formed networks whose params are mostly in range. Tests only.
 */
import fc from 'fast-check';
import { nodeTypes } from '../nodes/registry';
import type { NodeTypeDefinition, ParamSpec } from '../nodes/types';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument, type GraphNode } from './document';
import { documentOf, nodeOf } from './test-graphs';

/** The seed of every fuzz property: fixed so CI is repeatable, `FUZZ_SEED=…` to explore. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_111);

/** `fc.assert` options with the shared seed. */
export function fuzzRuns(numRuns: number): { seed: number; numRuns: number } {
  return { seed: FUZZ_SEED, numRuns };
}

/** The largest report (every issue's text, or an error message) a fuzz case may produce. */
export const MAX_REPORT_CHARS = 64 * 1024;

/** Ids that trip plain objects, tfjs names or naive sanitizing. */
const ODD_IDS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '_x',
  '_',
  '-',
  ' ',
  'a b',
  'in',
  'é',
];

export const oddId = fc.oneof(fc.constantFrom(...ODD_IDS), fc.string({ minLength: 1, maxLength: 8 }));

/** Numbers a file or a careless caller may hold: huge, negative, fractional, not finite. */
export const oddNumber = fc.oneof(
  fc.integer({ min: -3, max: 70 }),
  fc.constantFrom(0, -0, 2 ** 31, 2 ** 53, 2 ** 60, 1e308, -1e308, 0.5, 1e-300),
  fc.double(),
);

const oddParamValue = fc.oneof(
  oddNumber,
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(oddNumber, { maxLength: 3 }),
  fc.constantFrom('same', 'valid', 'relu', 'none'),
  fc.jsonValue({ maxDepth: 2 }),
);

const knownTypes = nodeTypes.map((def) => def.type);
const paramNames = [...new Set(nodeTypes.flatMap((def) => def.params.map((spec) => spec.name)))];

const oddNode = fc.record(
  {
    id: oddId,
    type: fc.oneof(fc.constantFrom(...knownTypes), fc.constantFrom('Conv2D', '__proto__', ''), fc.string()),
    params: fc.dictionary(fc.oneof(fc.constantFrom(...paramNames, '__proto__'), fc.string()), oddParamValue, {
      maxKeys: 4,
    }),
    position: fc.oneof(fc.record({ x: oddNumber, y: oddNumber }), fc.jsonValue({ maxDepth: 1 })),
    bypassed: fc.boolean(),
  },
  { requiredKeys: ['id', 'type'] },
);

/** A document with the right envelope and anything inside: missing, mistyped or nonsense fields. */
export const oddDocument = fc
  .record({
    version: fc.oneof(fc.constant(GRAPH_VERSION), fc.constantFrom(0, 2, -1, 1.5, '1', null)),
    name: fc.oneof(fc.string(), fc.constant(42)),
    nodes: fc.oneof(fc.array(oddNode, { maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })),
    edgeSeeds: fc.array(
      fc.record({
        id: oddId,
        from: fc.nat(),
        to: fc.nat(),
        sourcePort: fc.constantFrom('out', 'in', '', 'x'),
        targetPort: fc.constantFrom('in', 'out', '', 'y'),
      }),
      { maxLength: 14 },
    ),
    training: fc.oneof(
      fc.constant(undefined),
      fc.dictionary(fc.constantFrom('epochs', 'batchSize', 'learningRate', 'optimizer'), oddParamValue, {
        maxKeys: 3,
      }),
    ),
    meta: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 3 })),
  })
  .map(({ nodes, edgeSeeds, ...rest }) => {
    const list: unknown[] = Array.isArray(nodes) ? nodes : [];
    const ids = list
      .map((node) => (node as { id?: unknown } | null)?.id)
      .filter((id): id is string => typeof id === 'string');
    // Edge ends mostly name real nodes (so cycles and fan-outs happen), sometimes not.
    const end = (seed: number) =>
      ids.length > 0 && seed % 7 !== 0 ? ids[seed % ids.length] : `ghost${seed}`;
    const edges = edgeSeeds.map((seed) => ({
      id: seed.id,
      source: end(seed.from),
      sourcePort: seed.sourcePort,
      target: end(seed.to),
      targetPort: seed.targetPort,
    }));
    return { format: GRAPH_FORMAT, ...rest, nodes, edges } as Record<string, unknown>;
  });

/** A param value for `spec`: mostly in range and small, sometimes just outside or absurd. */
function paramArbitrary(spec: ParamSpec): fc.Arbitrary<unknown> {
  switch (spec.kind) {
    case 'int': {
      const min = spec.min ?? 0;
      return fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min, max: Math.min(spec.max ?? min + 3, min + 3) }) },
        { weight: 1, arbitrary: fc.constantFrom(min - 1, (spec.max ?? 2 ** 31) + 1, 2 ** 60, 0.5) },
      );
    }
    case 'float': {
      const min = spec.min ?? 0;
      const max = spec.max ?? min + 1;
      return fc.oneof(
        { weight: 8, arbitrary: fc.double({ min, max, noNaN: true, minExcluded: true, maxExcluded: true }) },
        { weight: 1, arbitrary: fc.constantFrom(min, max, -1, 1e308) },
      );
    }
    case 'bool':
      return fc.boolean();
    case 'choice':
      return fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...spec.options) },
        { weight: 1, arbitrary: fc.string() },
      );
    case 'padding':
      return fc.oneof(
        { weight: 8, arbitrary: fc.oneof(fc.constantFrom('same', 'valid'), fc.integer({ min: 0, max: 2 })) },
        { weight: 1, arbitrary: fc.constantFrom(-1, 65, 2 ** 60, 'full') },
      );
    case 'size': {
      const min = spec.min ?? 1;
      const one = fc.integer({ min, max: Math.min(spec.max ?? min + 3, min + 3) });
      return fc.oneof(
        { weight: 6, arbitrary: one },
        { weight: 2, arbitrary: fc.tuple(one, one) },
        { weight: 1, arbitrary: fc.constantFrom(min - 1, [min], [min, min, min], 2 ** 60) },
      );
    }
    case 'intPair': {
      const min = spec.min ?? 1;
      const one = fc.integer({ min, max: min + 3 });
      return fc.oneof(
        { weight: 8, arbitrary: fc.tuple(one, one) },
        { weight: 1, arbitrary: fc.constant([min]) },
      );
    }
  }
}

function paramsArbitrary(def: NodeTypeDefinition): fc.Arbitrary<Record<string, unknown>> {
  const entries = def.params.map((spec) => [spec.name, paramArbitrary(spec)] as const);
  return fc.record(Object.fromEntries(entries), { requiredKeys: [] });
}

/** Node types with one input that a small network can chain (the Input and merges are placed separately). */
const chainable = nodeTypes.filter((def) => def.inputs.length === 1 && !def.inputs[0].multiple);

const layerArbitrary = fc
  .constantFrom(...chainable)
  .chain((def) => paramsArbitrary(def).map((params) => ({ type: def.type, params })));

/**
 * A small network: an Input of at most 8×8×3, a chain of up to 6 layers with odd but
 * unique ids and mostly sensible params, sometimes a skip connection through Add, and
 * sometimes Flatten + Dense at the end. Many are valid; the rest fail in interesting ways.
 */
export const smallNetwork: fc.Arbitrary<GraphDocument> = fc
  .record({
    height: fc.integer({ min: 1, max: 8 }),
    width: fc.integer({ min: 1, max: 8 }),
    channels: fc.integer({ min: 1, max: 3 }),
    ids: fc.uniqueArray(oddId, { minLength: 10, maxLength: 10 }),
    layers: fc.array(layerArbitrary, { minLength: 1, maxLength: 6 }),
    skipFrom: fc.option(fc.nat()),
    classifier: fc.boolean(),
  })
  .map(({ height, width, channels, ids, layers, skipFrom, classifier }) => {
    const nodes: GraphNode[] = [nodeOf(ids[0], 'input', { height, width, channels })];
    layers.forEach((layer, i) =>
      nodes.push(nodeOf(ids[i + 1], layer.type, layer.params as GraphNode['params'])),
    );
    const links: Array<[string, string]> = nodes.slice(1).map((node, i) => [nodes[i].id, node.id]);
    if (skipFrom !== null && layers.length > 1) {
      const from = nodes[skipFrom % (nodes.length - 1)].id;
      const add = nodeOf(ids[8], 'add');
      links.push([from, add.id], [nodes[nodes.length - 1].id, add.id]);
      nodes.push(add);
    }
    if (classifier) {
      const tail = nodes[nodes.length - 1].id;
      nodes.push(nodeOf(`${ids[9]}f`, 'flatten'), nodeOf(`${ids[9]}d`, 'dense', { units: 3 }));
      links.push([tail, `${ids[9]}f`], [`${ids[9]}f`, `${ids[9]}d`]);
    }
    return documentOf(nodes, links);
  });
