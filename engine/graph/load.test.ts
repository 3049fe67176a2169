import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING, GRAPH_FORMAT, GRAPH_VERSION } from './document';
import { GraphLoadError } from './errors';
import { loadGraphDocument } from './load';
import type { Migration } from './migrate';
import { serializeGraphDocument } from './serialize';

/** A small valid file: input → flatten → dense. */
function file(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'tiny',
    nodes: [
      { id: 'in', type: 'input', params: { height: 8, width: 8, channels: 1 }, position: { x: 0, y: 0 } },
      { id: 'f', type: 'flatten', params: {}, position: { x: 0, y: 100 } },
      { id: 'd', type: 'dense', params: { units: 10 }, position: { x: 0, y: 200 } },
    ],
    edges: [
      { id: 'e1', source: 'in', sourcePort: 'out', target: 'f', targetPort: 'in' },
      { id: 'e2', source: 'f', sourcePort: 'out', target: 'd', targetPort: 'in' },
    ],
    ...overrides,
  };
}

function loadError(input: unknown): GraphLoadError {
  try {
    loadGraphDocument(input);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphLoadError);
    return error as GraphLoadError;
  }
  throw new Error('expected loadGraphDocument to throw');
}

describe('loadGraphDocument', () => {
  it('reads JSON text and objects alike', () => {
    const fromObject = loadGraphDocument(file());
    const fromText = loadGraphDocument(JSON.stringify(file()));
    expect(fromText).toEqual(fromObject);
    expect(fromObject.nodes.map((node) => node.id)).toEqual(['in', 'f', 'd']);
  });

  it('accepts a byte-order mark before the JSON', () => {
    expect(loadGraphDocument(`\uFEFF${JSON.stringify(file())}`).name).toBe('tiny');
  });

  it('fills missing training settings, layout, meta and positions with defaults', () => {
    const nodes = [{ id: 'in', type: 'input' }];
    const doc = loadGraphDocument(file({ nodes, edges: [], training: { learningRate: 0.5 } }));
    expect(doc.training).toEqual({ ...DEFAULT_TRAINING, learningRate: 0.5 });
    expect(doc.layout).toEqual({ direction: 'TB' });
    expect(doc.meta).toEqual({});
    expect(doc.nodes[0]).toMatchObject({ params: {}, position: { x: 0, y: 0 } });
  });

  it('rejects malformed JSON with the position of the error', () => {
    const error = loadError('{\n  "format": "cnn-studio-graph",\n  "version": 1,,\n}');
    expect(error.message).toMatch(/^not valid JSON: /);
    expect(error.message).toMatch(/line 3, column \d+/);
  });

  it('rejects something that is not a graph object', () => {
    expect(loadError('[1, 2]').message).toBe('not a CNN Studio graph (expected a JSON object, got [1,2])');
    expect(loadError({ name: 'x' }).message).toBe('not a CNN Studio graph (no "format" field)');
  });

  it('rejects a wrong format tag, quoting it', () => {
    const error = loadError(file({ format: 'keras-model' }));
    expect(error.message).toBe(
      'not a CNN Studio graph (format is "keras-model", expected "cnn-studio-graph")',
    );
    expect(error.path).toBe('format');
  });

  it('rejects a file from a newer version', () => {
    expect(loadError(file({ version: 9 })).message).toMatch(
      new RegExp(`^made by a newer CNN Studio \\(version 9; this one reads up to ${GRAPH_VERSION}\\)`),
    );
  });

  it('rejects a version that is not a whole number', () => {
    expect(loadError(file({ version: '1' })).message).toBe('version: expected a whole number, got "1"');
  });

  it('names missing and ill-typed fields by path', () => {
    expect(loadError(file({ name: undefined })).message).toBe('name: missing (expected a string)');
    expect(loadError(file({ nodes: {} })).message).toBe('nodes: expected a list, got an object');
    const badEdges = file();
    (badEdges.edges as Array<Record<string, unknown>>)[1].target = 7;
    expect(loadError(badEdges).message).toBe('edges[1].target: expected a string, got 7');
    expect(loadError(file({ training: { optimizer: 'lion' } })).message).toBe(
      'training.optimizer: expected one of "sgd", "adam", "adamw", "rmsprop", got "lion"',
    );
    expect(loadError(file({ training: { batchSize: 0 } })).message).toBe(
      'training.batchSize: must be ≥ 1, got 0',
    );
  });

  it("checks a known node type's param JSON types", () => {
    const doc = file();
    (doc.nodes as Array<Record<string, unknown>>)[2].params = { units: 'abc' };
    const error = loadError(doc);
    expect(error.message).toBe('nodes[2].params.units: expected a number, got "abc" (node "d", Dense)');
    expect(error.path).toBe('nodes[2].params.units');
  });

  it('leaves semantic problems (unknown types, out-of-range params, dangling edges) to analysis', () => {
    const doc = file();
    (doc.nodes as Array<Record<string, unknown>>)[1].type = 'conv3d';
    (doc.nodes as Array<Record<string, unknown>>)[2].params = { units: -5 };
    (doc.edges as Array<Record<string, unknown>>)[0].source = 'nowhere';
    expect(() => loadGraphDocument(doc)).not.toThrow();
  });

  it('lists several structure problems at once', () => {
    const error = loadError(file({ name: 3, edges: 'none' }));
    expect(error.message.split('\n')).toEqual([
      'name: expected a string, got 3',
      'edges: expected a list, got "none"',
    ]);
  });
});

describe('migrations', () => {
  // Steps made up for the test (from version 1, which the released steps also start at).
  const renameUnits: Migration = {
    from: 1,
    to: 2,
    description: 'dense "neurons" is renamed "units"',
    migrate(doc) {
      for (const node of doc.nodes as Array<{ type: string; params: Record<string, unknown> }>) {
        if (node.type === 'dense' && 'neurons' in node.params) {
          node.params.units = node.params.neurons;
          delete node.params.neurons;
        }
      }
      return doc;
    },
  };

  it('upgrades an older file step by step to the current version', () => {
    const old = file({ version: 1 });
    (old.nodes as Array<Record<string, unknown>>)[2].params = { neurons: 12 };
    const doc = loadGraphDocument(old, { migrations: [renameUnits], currentVersion: 2 });
    expect(doc.version).toBe(2);
    expect(doc.nodes[2].params).toEqual({ units: 12 });
    // The caller's object is not changed.
    expect((old.nodes as Array<{ params: unknown }>)[2].params).toEqual({ neurons: 12 });
  });

  it('chains steps', () => {
    const addMeta: Migration = {
      from: 2,
      to: 3,
      description: 'meta.upgraded',
      migrate: (doc) => ({ ...doc, meta: { upgraded: true } }),
    };
    const doc = loadGraphDocument(file({ version: 1 }), {
      migrations: [addMeta, renameUnits],
      currentVersion: 3,
    });
    expect(doc.version).toBe(3);
    expect(doc.meta).toEqual({ upgraded: true });
  });

  it('reads a version-1 file (before blocks of your own) with the released steps', () => {
    const doc = loadGraphDocument(file({ version: 1, blocks: 'not read' }));
    expect(doc.version).toBe(GRAPH_VERSION);
    expect(doc.blocks).toBeUndefined();
    expect(doc.nodes.map((n) => n.id)).toEqual(['in', 'f', 'd']);
  });

  it('rejects a version no step starts from', () => {
    const error = loadError(file({ version: 0 }));
    expect(error.message).toBe(
      `made by an older CNN Studio (version 0) that this one cannot upgrade; it reads versions 1 to ${GRAPH_VERSION}`,
    );
  });

  it('reports a failing step with its description', () => {
    const broken: Migration = {
      from: 1,
      to: 2,
      description: 'split blocks',
      migrate: () => {
        throw new Error('node "b1" has no params');
      },
    };
    expect(() =>
      loadGraphDocument(file({ version: 1 }), { migrations: [broken], currentVersion: 2 }),
    ).toThrow('could not upgrade from version 1 to 2 (split blocks): node "b1" has no params');
  });
});

describe('serializeGraphDocument', () => {
  it('writes a canonical text that loads back to the same document', () => {
    const doc = loadGraphDocument(file({ meta: { b: 1, a: { d: 2, c: 3 } } }));
    const text = serializeGraphDocument(doc);
    expect(loadGraphDocument(text)).toEqual(doc);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "format": "cnn-studio-graph",');
    expect(Object.keys(JSON.parse(text))).toEqual([
      'format',
      'version',
      'name',
      'nodes',
      'edges',
      'training',
      'layout',
      'meta',
    ]);
    expect(Object.keys(JSON.parse(text).meta.a)).toEqual(['c', 'd']);
  });

  it("writes a node's params in its type's schema order, unknown ones last", () => {
    const doc = loadGraphDocument(file());
    doc.nodes[2].params = { zeta: 1, useBias: false, units: 3, activation: 'relu' };
    const written = JSON.parse(serializeGraphDocument(doc));
    expect(Object.keys(written.nodes[2].params)).toEqual(['units', 'activation', 'useBias', 'zeta']);
  });

  it('does not depend on the key order of the object it is given', () => {
    const doc = loadGraphDocument(file());
    const shuffled = JSON.parse(JSON.stringify(doc), (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).reverse())
        : value,
    );
    expect(serializeGraphDocument(shuffled)).toBe(serializeGraphDocument(doc));
  });
});
