/**
 * What the book's executed notebooks printed for each network (D2L edition 0.17.5, Tesla
 * V100, Fashion-MNIST, 10 epochs, plain SGD): final training loss, train and test accuracy,
 * and training examples per second where printed. Single runs: treat them as bands.
 * Stored in each preset's `meta.book` so the editor can show "the book got …".
 */
import type { BookPresetId } from './ids';

export interface BookRun {
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Training examples per second, where the book printed it. */
  examplesPerSecond?: number;
}

export interface BookResults {
  /** The section of the book that builds the network. */
  section: string;
  /** Why there are no results, when the book did not train this exact network. */
  note?: string;
  results: { pytorch?: BookRun; tensorflow?: BookRun; mxnet?: BookRun };
}

const run = (
  loss: number,
  trainAccuracy: number,
  testAccuracy: number,
  examplesPerSecond?: number,
): BookRun =>
  examplesPerSecond === undefined
    ? { loss, trainAccuracy, testAccuracy }
    : { loss, trainAccuracy, testAccuracy, examplesPerSecond };

export const bookResults: Record<BookPresetId, BookResults> = {
  lenet: {
    section: '6.6',
    results: {
      pytorch: run(0.455, 0.831, 0.789, 72323),
      tensorflow: run(0.489, 0.813, 0.811, 54891),
      mxnet: run(0.471, 0.824, 0.809),
    },
  },
  alexnet: {
    section: '7.1',
    results: {
      pytorch: run(0.327, 0.88, 0.882, 4171),
      tensorflow: run(0.329, 0.879, 0.881, 5029),
      mxnet: run(0.334, 0.878, 0.877),
    },
  },
  vgg11: {
    section: '7.2',
    note: 'The book trains the narrow variant (channels ÷ 4); see the vgg11-small preset for its results.',
    results: {},
  },
  'vgg11-small': {
    section: '7.2',
    results: {
      pytorch: run(0.185, 0.931, 0.922, 2551),
      tensorflow: run(0.18, 0.933, 0.917),
      mxnet: run(0.177, 0.935, 0.93),
    },
  },
  nin: {
    section: '7.3',
    results: {
      pytorch: run(0.591, 0.795, 0.785, 3201),
      tensorflow: run(0.36, 0.868, 0.871),
      mxnet: run(0.363, 0.866, 0.84),
    },
  },
  googlenet: {
    section: '7.4',
    results: {
      pytorch: run(0.232, 0.913, 0.883, 3568),
      tensorflow: run(0.249, 0.907, 0.898),
      mxnet: run(0.24, 0.91, 0.904),
    },
  },
  'bn-lenet': {
    section: '7.5',
    results: {
      pytorch: run(0.278, 0.897, 0.836, 63564),
      tensorflow: run(0.28, 0.897, 0.884),
      mxnet: run(0.279, 0.897, 0.829),
    },
  },
  resnet18: {
    section: '7.6',
    results: {
      pytorch: run(0.013, 0.997, 0.918, 4672),
      tensorflow: run(0.009, 0.998, 0.912, 5138),
      mxnet: run(0.01, 0.998, 0.928),
    },
  },
  densenet: {
    section: '7.7',
    results: {
      pytorch: run(0.139, 0.95, 0.821, 5563),
      tensorflow: run(0.137, 0.949, 0.912),
      mxnet: run(0.144, 0.947, 0.911),
    },
  },
};
