/**
 * The in-memory forms of a dataset, shared by the loaders, the binary cache and the batch
 * pipeline. Pixels are stored once, as bytes, and turned into floats only batch by batch.
 */
import type { DatasetInfo } from '../protocol/api';

/** A set of images stored as bytes: `count × height × width × channels`, HWC row-major. */
export interface ImageSet {
  count: number;
  height: number;
  width: number;
  channels: number;
  /** `count * height * width * channels` bytes, image after image, each HWC row-major. */
  images: Uint8Array;
  /** One class index per image. */
  labels: Uint8Array;
}

/** A dataset: what the editor shows about it, and its train and test images. */
export interface Dataset {
  info: DatasetInfo;
  train: ImageSet;
  test: ImageSet;
}

/** Where datasets live on disk, and where a packaged app may ship ready-made caches. */
export interface DatasetLocation {
  /** The engine's data directory; caches and the import index go to `<dataDir>/datasets/`. */
  dataDir: string;
  /**
   * A read-only directory holding prebuilt caches (`fashion-mnist.bin`, …), e.g. shipped with
   * the packaged app. Defaults to the `CNN_STUDIO_DATASET_CACHE` environment variable.
   */
  cacheDir?: string;
}
