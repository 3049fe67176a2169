/** The preset ids, in the order the book introduces the networks. */
export const presetIds = [
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

export type PresetId = (typeof presetIds)[number];

/** Narrows a string (a CLI argument, a request) to a preset id. */
export function isPresetId(id: string): id is PresetId {
  return (presetIds as readonly string[]).includes(id);
}
