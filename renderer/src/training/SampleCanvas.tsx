/** One dataset image drawn pixel for pixel into a small canvas (scaled up by CSS, pixelated). */
import { useEffect, useRef } from 'react';
import type { SampleImage } from '../../../engine/protocol/api';
import { sampleToRgba } from './image-convert';

export function SampleCanvas({
  image,
  size = 40,
  title,
  testId,
}: {
  image: SampleImage;
  size?: number;
  title?: string;
  testId?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    try {
      ctx.putImageData(new ImageData(sampleToRgba(image), image.width, image.height), 0, 0);
    } catch {
      // A malformed sample stays blank rather than breaking the panel.
    }
  }, [image]);
  return (
    <canvas
      ref={canvas}
      className="sample-canvas"
      width={image.width}
      height={image.height}
      style={{ width: size, height: size }}
      title={title}
      data-testid={testId}
    />
  );
}
