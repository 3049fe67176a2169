/**
 * Grad-CAM maps from the engine for the images on show: asked for when the overlay is on,
 * in chunks the engine accepts, and dropped when the run or the images change.
 */
import { useEffect, useState } from 'react';
import type { ClassActivations, SampleImage } from '../../../engine/protocol/api';
import { MAX_EXPLAINED_IMAGES } from '../../../engine/protocol/methods';
import type { EngineClient } from '../../../engine/protocol/rpc';
import { useEngine } from '../engine/connection';
import { errorText } from './training-store';

export interface ActivationsState {
  /** The maps, one per image in order; null until they arrive (or while off). */
  activations: ClassActivations | null;
  error: string | null;
}

/** Which class a map explains: the one the model predicted, or the image's true class. */
export type GradCamTarget = 'predicted' | 'true';

/**
 * Maps of `images` (each for its predicted class, or for `classes[i]`), in as many calls as
 * the engine's limit needs.
 */
export async function fetchClassActivations(
  engine: EngineClient,
  runId: string,
  images: readonly SampleImage[],
  classes?: readonly number[],
): Promise<ClassActivations> {
  const parts: ClassActivations[] = [];
  for (let start = 0; start < images.length; start += MAX_EXPLAINED_IMAGES) {
    const end = start + MAX_EXPLAINED_IMAGES;
    parts.push(await engine.classActivations(runId, images.slice(start, end), classes?.slice(start, end)));
  }
  return { ...parts[0], maps: parts.flatMap((part) => part.maps) };
}

/** "No convolution" and other refusals, in words for the panel. */
export function activationsErrorText(error: unknown): string {
  return `No heatmap: ${errorText(error)}`;
}

/** The maps of test images (whose labels are their true classes) while `enabled`. */
export function useClassActivations(
  runId: string,
  images: readonly SampleImage[] | null,
  enabled: boolean,
  target: GradCamTarget = 'predicted',
): ActivationsState {
  const engine = useEngine((s) => s.client);
  const [state, setState] = useState<ActivationsState>({ activations: null, error: null });
  useEffect(() => {
    setState({ activations: null, error: null });
    if (!enabled || !engine || !images || images.length === 0) return;
    let live = true;
    const classes = target === 'true' ? images.map((image) => image.label) : undefined;
    fetchClassActivations(engine, runId, images, classes).then(
      (activations) => live && setState({ activations, error: null }),
      (error: unknown) => live && setState({ activations: null, error: activationsErrorText(error) }),
    );
    return () => {
      live = false;
    };
  }, [engine, runId, images, enabled, target]);
  return state;
}
