/** The book's presets, in the order the book introduces the networks. */
export const bookPresetIds = [
  'lenet',
  'alexnet',
  'vgg11',
  'vgg11-small',
  'nin',
  'googlenet',
  'bn-lenet',
  'resnet18',
  'densenet',
] as const;

/** Networks beyond the book, laid out as Keras Applications builds them (ImageNet size, 1,000 classes). */
export const applicationPresetIds = ['resnet50', 'mobilenetv2'] as const;

/** Every preset id: the book's, then Keras Applications'. */
export const presetIds = [...bookPresetIds, ...applicationPresetIds] as const;

export type BookPresetId = (typeof bookPresetIds)[number];
export type ApplicationPresetId = (typeof applicationPresetIds)[number];
export type PresetId = (typeof presetIds)[number];

/** Narrows a string (a CLI argument, a request) to a preset id. */
export function isPresetId(id: string): id is PresetId {
  return (presetIds as readonly string[]).includes(id);
}

/** True for the book's presets (which carry the book's training settings and results). */
export function isBookPresetId(id: string): id is BookPresetId {
  return (bookPresetIds as readonly string[]).includes(id);
}
