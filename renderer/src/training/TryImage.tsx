/**
 * "Try an image": draw with the mouse (light on black, like the datasets) or drop an image
 * file; it is scaled to the dataset's image size by a canvas, converted to a SampleImage
 * and classified by the run's model, with every class's probability as a bar — and, with
 * the Grad-CAM overlay on, where in the image the model found the evidence for its guess.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Shape } from '../../../engine/graph/document';
import type { ClassActivations, Prediction, SampleImage } from '../../../engine/protocol/api';
import { useEngine } from '../engine/connection';
import { activationsErrorText, fetchClassActivations } from './class-activations';
import { formatPercent } from './format';
import { HeatmapOverlay } from './HeatmapOverlay';
import { rgbaToSampleImage } from './image-convert';
import { errorText } from './training-store';

const SIZE = 168; // 6 × 28: strokes land on whole dataset pixels
const BRUSH = 16;

/** The drawing canvas scaled to `shape` and read back as a SampleImage. */
function canvasToSample(source: HTMLCanvasElement, shape: Shape, invert: boolean | 'auto') {
  const [height, width, channels] = shape;
  const small = document.createElement('canvas');
  small.width = width;
  small.height = height;
  const ctx = small.getContext('2d')!;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  const { data } = ctx.getImageData(0, 0, width, height);
  return rgbaToSampleImage(data, width, height, { channels: channels === 1 ? 1 : 3, invert });
}

export function TryImage({
  runId,
  imageShape,
  gradCam = false,
  onActivations,
}: {
  runId: string;
  imageShape: Shape;
  /** Draw the Grad-CAM map of the model's guess over the image. */
  gradCam?: boolean;
  onActivations?: (activations: ClassActivations) => void;
}) {
  const engine = useEngine((s) => s.client);
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef<{ x: number; y: number } | null>(null);
  const source = useRef<'drawing' | 'image'>('drawing');
  const [prediction, setPrediction] = useState<Prediction | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The image last classified (what the heatmap explains). */
  const [tried, setTried] = useState<SampleImage | null>(null);
  const [heatmap, setHeatmap] = useState<ClassActivations | null>(null);
  const [heatmapError, setHeatmapError] = useState<string | null>(null);

  const clear = useCallback(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, SIZE, SIZE);
    source.current = 'drawing';
    setPrediction(null);
    setError(null);
    setTried(null);
  }, []);
  useEffect(clear, [clear, runId]);

  // The map of the image last classified, while the overlay is on.
  useEffect(() => {
    setHeatmap(null);
    setHeatmapError(null);
    if (!gradCam || !engine || !tried) return;
    let live = true;
    fetchClassActivations(engine, runId, [tried]).then(
      (activations) => {
        if (!live) return;
        setHeatmap(activations);
        onActivations?.(activations);
      },
      (e: unknown) => live && setHeatmapError(activationsErrorText(e)),
    );
    return () => {
      live = false;
    };
  }, [gradCam, engine, runId, tried, onActivations]);

  const predict = async () => {
    if (!engine || !canvas.current) return;
    try {
      const sample = canvasToSample(canvas.current, imageShape, source.current === 'image' ? 'auto' : false);
      setPrediction(await engine.predict(runId, sample));
      setTried(sample);
      setError(null);
    } catch (e) {
      setError(`Prediction failed: ${errorText(e)}`);
    }
  };

  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return {
      x: ((e.clientX - rect.left) * SIZE) / rect.width,
      y: ((e.clientY - rect.top) * SIZE) / rect.height,
    };
  };
  const stroke = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = BRUSH;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  };

  const drawFile = async (file: File | undefined) => {
    if (!file) return;
    if (!file.type.startsWith('image/')) {
      setError(`"${file.name}" is not an image (its type is ${file.type || 'unknown'}).`);
      return;
    }
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    try {
      const bitmap = await createImageBitmap(file);
      // Fit the whole image into the square, centred, on a background of its own corner colour.
      const scale = Math.min(SIZE / bitmap.width, SIZE / bitmap.height);
      const w = bitmap.width * scale;
      const h = bitmap.height * scale;
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, SIZE, SIZE);
      ctx.drawImage(bitmap, (SIZE - w) / 2, (SIZE - h) / 2, w, h);
      bitmap.close();
      source.current = 'image';
      await predict();
    } catch (e) {
      setError(`Could not read "${file.name}": ${errorText(e)}`);
    }
  };

  return (
    <section className="try-image">
      <h3>Try an image</h3>
      <div className="try-row">
        <div className="try-input">
          <div className="draw-stack">
            <canvas
              ref={canvas}
              width={SIZE}
              height={SIZE}
              className="draw-canvas"
              data-testid="predict-canvas"
              title="Draw with the mouse, or drop an image file here"
              onPointerDown={(e) => {
                e.currentTarget.setPointerCapture(e.pointerId);
                if (source.current === 'image') clear();
                setTried(null); // the map no longer fits what is being drawn
                const p = point(e);
                drawing.current = p;
                stroke(p, p);
              }}
              onPointerMove={(e) => {
                if (!drawing.current) return;
                const p = point(e);
                stroke(drawing.current, p);
                drawing.current = p;
              }}
              onPointerUp={() => {
                if (!drawing.current) return;
                drawing.current = null;
                void predict();
              }}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                e.preventDefault();
                void drawFile(e.dataTransfer.files[0]);
              }}
            />
            {gradCam && heatmap?.maps[0] && (
              <HeatmapOverlay
                values={heatmap.maps[0].values}
                width={heatmap.width}
                height={heatmap.height}
                testId="predict-gradcam"
              />
            )}
          </div>
          <div className="try-buttons">
            <button type="button" data-testid="predict-clear" onClick={clear}>
              Clear
            </button>
            <label className="file-button">
              Open image…
              <input
                type="file"
                accept="image/*"
                data-testid="predict-file"
                onChange={(e) => void drawFile(e.target.files?.[0])}
              />
            </label>
          </div>
        </div>
        <div className="predict-result" data-testid="predict-result">
          {error && <p className="error-text small">{error}</p>}
          {gradCam && heatmap?.maps[0] && heatmap.maps[0].values.every((v) => v === 0) && (
            <p className="muted small" data-testid="gradcam-empty">
              The heatmap is empty: no part of this image raises the model's score for its guess.
            </p>
          )}
          {gradCam && heatmapError && (
            <p className="error-text small" data-testid="gradcam-error">
              {heatmapError}
            </p>
          )}
          {!prediction && !error && (
            <p className="muted small">
              Draw something (light on dark, like the dataset) or drop an image; the model's guess appears
              here.
            </p>
          )}
          {prediction && (
            <>
              <p className="predict-top">
                Guess:{' '}
                <strong data-testid="predict-top">
                  {prediction.classNames[prediction.predictedClass] ?? prediction.predictedClass}
                </strong>{' '}
                <span className="muted">
                  ({formatPercent(prediction.probabilities[prediction.predictedClass])})
                </span>
              </p>
              <ul className="prob-bars">
                {prediction.probabilities.map((p, i) => (
                  <li
                    key={i}
                    className={i === prediction.predictedClass ? 'top' : undefined}
                    data-testid="predict-prob"
                  >
                    <span className="prob-name">{prediction.classNames[i] ?? i}</span>
                    <span className="prob-track">
                      <span className="prob-bar" style={{ width: `${(p * 100).toFixed(1)}%` }} />
                    </span>
                    <span className="prob-value">{formatPercent(p, 0)}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
