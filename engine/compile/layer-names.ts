/**
 * Layer names for compiled models: derived from node ids so a person can find a node's
 * layers in a saved model, stable for the same document, unique within the model, and
 * always names tfjs accepts whatever the id.
 */

/**
 * A name tfjs accepts (it must start with a letter or digit: `_x` and `__proto__` are
 * refused as tensor names) and that saved weight paths and exporters are happy with.
 *
 * @example tfjsSafeName('c-1') // 'c_1'; tfjsSafeName('_x') // 'n_x'; tfjsSafeName('') // 'node'
 */
export function tfjsSafeName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_]/g, '_');
  if (cleaned === '') return 'node';
  return /^[A-Za-z0-9]/.test(cleaned) ? cleaned : `n${cleaned}`;
}

/** Hands out the layer names of one model. */
export interface LayerNamer {
  /** The `layerName(suffix)` function of one node. */
  forNode(id: string): (suffix: string) => string;
  /** How many names were handed out so far: an upper bound on the layers built. */
  readonly count: number;
}

/**
 * Creates a namer for one model. `forNode(id)` gives that node's `layerName(suffix)`
 * function, e.g. `forNode('c-1')('conv')` → `c_1_conv`. A name already handed out (two ids
 * that sanitize alike, or a block's inner name meeting another node's) gets `_2`, `_3`…,
 * decided in compile order, so the same document always gets the same names.
 */
export function createLayerNamer(): LayerNamer {
  const used = new Set<string>();
  const unique = (base: string): string => {
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return name;
  };
  return {
    forNode(id) {
      const prefix = tfjsSafeName(id);
      return (suffix) => unique(`${prefix}_${tfjsSafeName(suffix)}`);
    },
    get count() {
      return used.size;
    },
  };
}
