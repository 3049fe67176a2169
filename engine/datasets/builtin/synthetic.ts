/**
 * `synthetic`: a small, deterministic, learnable dataset generated in memory, for tests and
 * quick demos that must not depend on files. Ten classes of simple shapes at 28×28×1, each
 * image with a random position, size, brightness and noise drawn from a fixed seed, so the
 * same images come back every time: 2,000 train and 500 test (200 / 50 per class).
 */
import type { CachedDataset } from '../cache-file';
import { allocateImageSet } from '../image-set';
import { mulberry32, type Random } from '../random';
import type { ImageSet } from '../types';

export const SYNTHETIC_CLASSES = [
  'horizontal stripes',
  'vertical stripes',
  'diagonal stripes',
  'square',
  'frame',
  'disk',
  'ring',
  'plus',
  'cross',
  'checkerboard',
];
export const SYNTHETIC_SIZES = { train: 2000, test: 500 };

const SIDE = 28;

/** Whether pixel (x, y) is "on" for a shape centred at (cx, cy) with half-size r and period p. */
type Painter = (x: number, y: number, cx: number, cy: number, r: number, p: number) => boolean;

const painters: Painter[] = [
  (_x, y, _cx, cy, _r, p) => Math.floor((y - cy + 64) / p) % 2 === 0,
  (x, _y, cx, _cy, _r, p) => Math.floor((x - cx + 64) / p) % 2 === 0,
  (x, y, cx, cy, _r, p) => Math.floor((x + y - cx - cy + 128) / p) % 2 === 0,
  (x, y, cx, cy, r) => Math.abs(x - cx) <= r && Math.abs(y - cy) <= r,
  (x, y, cx, cy, r) =>
    Math.max(Math.abs(x - cx), Math.abs(y - cy)) <= r && Math.max(Math.abs(x - cx), Math.abs(y - cy)) > r - 2,
  (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r,
  (x, y, cx, cy, r) => Math.abs(Math.hypot(x - cx, y - cy) - r) <= 1,
  (x, y, cx, cy, r) =>
    (Math.abs(x - cx) <= 1 && Math.abs(y - cy) <= r) || (Math.abs(y - cy) <= 1 && Math.abs(x - cx) <= r),
  (x, y, cx, cy, r) => Math.abs(Math.abs(x - cx) - Math.abs(y - cy)) <= 1 && Math.abs(x - cx) <= r,
  (x, y, cx, cy, _r, p) => (Math.floor((x - cx + 64) / p) + Math.floor((y - cy + 64) / p)) % 2 === 0,
];

function paint(set: ImageSet, slot: number, label: number, random: Random): void {
  const r = 5 + Math.floor(random() * 6);
  const cx = r + 1 + Math.floor(random() * (SIDE - 2 * r - 2));
  const cy = r + 1 + Math.floor(random() * (SIDE - 2 * r - 2));
  const period = 3 + Math.floor(random() * 3);
  const brightness = 160 + Math.floor(random() * 96);
  const base = slot * SIDE * SIDE;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const on = painters[label](x, y, cx, cy, r, period);
      const noise = Math.floor(random() * 40);
      set.images[base + y * SIDE + x] = on ? brightness - noise : noise;
    }
  }
  set.labels[slot] = label;
}

function generate(count: number, seed: number): ImageSet {
  const set = allocateImageSet(count, SIDE, SIDE, 1);
  const random = mulberry32(seed);
  for (let i = 0; i < count; i++) paint(set, i, i % SYNTHETIC_CLASSES.length, random);
  return set;
}

/** Generates the synthetic dataset (a few milliseconds; always the same images). */
export function buildSynthetic(): CachedDataset {
  return {
    name: 'Synthetic shapes',
    classNames: SYNTHETIC_CLASSES,
    train: generate(SYNTHETIC_SIZES.train, 1),
    test: generate(SYNTHETIC_SIZES.test, 2),
  };
}
