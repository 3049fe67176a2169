/**
 * The environment the engine process starts with: the app's own, plus the dataset caches
 * shipped in the package (electron-builder's extraResources → `<resources>/datasets`), so a
 * packaged app needs no first-run conversion of the built-in datasets. A cache folder the
 * person set explicitly (`CNN_STUDIO_DATASET_CACHE`) wins.
 */
import path from 'node:path';

export function engineEnvironment(
  env: NodeJS.ProcessEnv,
  resourcesPath: string | undefined,
  exists: (filePath: string) => boolean,
): NodeJS.ProcessEnv {
  if (env.CNN_STUDIO_DATASET_CACHE || !resourcesPath) return { ...env };
  const shipped = path.join(resourcesPath, 'datasets');
  return exists(shipped) ? { ...env, CNN_STUDIO_DATASET_CACHE: shipped } : { ...env };
}
