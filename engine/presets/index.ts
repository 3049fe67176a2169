/**
 * The built-in presets: the book's CNNs, and ResNet-50 and MobileNetV2 as Keras Applications
 * builds them, as graph files (engine/presets/*.json, written by
 * scripts/make-presets.ts). Every preset is read through `loadGraphDocument`, so loading
 * one exercises the same path as opening a person's file.
 */
import { analyzeGraph } from '../graph/analyze';
import type { GraphDocument } from '../graph/document';
import { loadGraphDocument } from '../graph/load';
import type { PresetInfo } from '../protocol/api';
import { isPresetId, presetIds, type PresetId } from './ids';
import alexnet from './alexnet.json';
import bnLenet from './bn-lenet.json';
import densenet from './densenet.json';
import googlenet from './googlenet.json';
import lenet from './lenet.json';
import mobilenetv2 from './mobilenetv2.json';
import nin from './nin.json';
import resnet18 from './resnet18.json';
import resnet50 from './resnet50.json';
import vgg11Small from './vgg11-small.json';
import vgg11 from './vgg11.json';

export {
  applicationPresetIds,
  bookPresetIds,
  isBookPresetId,
  isPresetId,
  presetIds,
  type ApplicationPresetId,
  type BookPresetId,
  type PresetId,
} from './ids';
export { bookResults, type BookResults, type BookRun } from './book-results';

const files: Record<PresetId, unknown> = {
  lenet,
  alexnet,
  vgg11,
  'vgg11-small': vgg11Small,
  nin,
  googlenet,
  'bn-lenet': bnLenet,
  resnet18,
  densenet,
  resnet50,
  mobilenetv2,
};

/** Thrown for an id that names no preset; the message lists the valid ids. */
export class UnknownPresetError extends Error {
  constructor(readonly id: string) {
    super(`unknown preset "${id}"; the presets are: ${presetIds.join(', ')}`);
    this.name = 'UnknownPresetError';
  }
}

/**
 * A fresh copy of a preset, safe to edit.
 *
 * @example getPreset('lenet').training.learningRate // 0.9
 * @throws UnknownPresetError naming the valid ids
 */
export function getPreset(id: string): GraphDocument {
  if (!isPresetId(id)) throw new UnknownPresetError(id);
  // The loader builds new objects, so callers never share (or mutate) the imported JSON.
  return loadGraphDocument(files[id]);
}

let infos: PresetInfo[] | null = null;

/** Id, name, description, input shape and trainable params of every preset, in book order, then Keras Applications'. */
export function listPresets(): PresetInfo[] {
  infos ??= presetIds.map((id) => {
    const doc = getPreset(id);
    const analysis = analyzeGraph(doc);
    return {
      id,
      name: doc.name,
      description: doc.description ?? '',
      inputShape: analysis.inputShape ?? [],
      trainableParams: analysis.totals.trainable,
    };
  });
  return infos.map((info) => ({ ...info, inputShape: [...info.inputShape] }));
}
