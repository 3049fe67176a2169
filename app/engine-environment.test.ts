import { describe, expect, it } from 'vitest';
import { engineEnvironment } from './engine-environment';

describe('engine environment', () => {
  const resources = '/opt/CNN Studio/resources';
  const shippedOnly = (filePath: string) => filePath === '/opt/CNN Studio/resources/datasets';

  it('points the engine at the dataset caches shipped in the package', () => {
    expect(engineEnvironment({ HOME: '/home/ada' }, resources, shippedOnly)).toEqual({
      HOME: '/home/ada',
      CNN_STUDIO_DATASET_CACHE: '/opt/CNN Studio/resources/datasets',
    });
  });

  it('keeps a cache folder the person chose', () => {
    const env = { CNN_STUDIO_DATASET_CACHE: '/data/caches' };
    expect(engineEnvironment(env, resources, shippedOnly)).toEqual(env);
  });

  it('adds nothing when the package ships no caches, or when not packaged', () => {
    expect(engineEnvironment({ A: '1' }, resources, () => false)).toEqual({ A: '1' });
    expect(engineEnvironment({ A: '1' }, undefined, shippedOnly)).toEqual({ A: '1' });
  });
});
