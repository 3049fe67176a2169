/**
 * Layer names for compiled models: derived from node ids so a person can find a node's
 * layers in a saved model, stable for the same document, and unique within the model.
 */

/** tfjs accepts most names, but saved weight paths and exporters are happier with these. */
function sanitize(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_]/g, '_');
  return cleaned === '' ? 'node' : cleaned;
}

/**
 * Creates a namer for one model. `forNode(id)` gives that node's `layerName(suffix)`
 * function, e.g. `forNode('c-1')('conv')` → `c_1_conv`. A name already handed out (two ids
 * that sanitize alike, or a block's inner name meeting another node's) gets `_2`, `_3`…,
 * decided in compile order, so the same document always gets the same names.
 */
export function createLayerNamer(): { forNode(id: string): (suffix: string) => string } {
  const used = new Set<string>();
  const unique = (base: string): string => {
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return name;
  };
  return {
    forNode(id) {
      const prefix = sanitize(id);
      return (suffix) => unique(`${prefix}_${sanitize(suffix)}`);
    },
  };
}
