/**
 * The layers of a compiled tfjs model as CNN Studio names them. A graph more than
 * `LAYERS_PER_PART` layers deep compiles to a chain of nested part models
 * (engine/compile/compile.ts), whose `model.layers` lists the parts, not the layers inside,
 * and whose `getLayer(name)` finds only top-level layers: reading weights by layer name must
 * look through the parts. Typed by shape, so it runs anywhere without importing tfjs.
 */

/** Anything with tfjs's `layers` list (a LayersModel, or a part model inside one). */
interface HasLayers {
  readonly layers: readonly unknown[];
}

interface NamedLayer {
  name: string;
  layers?: unknown;
}

/** Every layer of `model` that is not itself a model, in the model's order, from inside nested parts too. */
export function leafLayers<Layer extends { name: string }>(model: HasLayers): Layer[] {
  const found: Layer[] = [];
  const visit = (layers: readonly unknown[]): void => {
    for (const layer of layers as NamedLayer[]) {
      if (Array.isArray(layer.layers)) visit(layer.layers);
      else found.push(layer as unknown as Layer);
    }
  };
  visit(model.layers);
  return found;
}

/** The layer named `name` anywhere in `model` (inside nested parts too), or undefined. */
export function findLeafLayer<Layer extends { name: string }>(
  model: HasLayers,
  name: string,
): Layer | undefined {
  return leafLayers<Layer>(model).find((layer) => layer.name === name);
}
