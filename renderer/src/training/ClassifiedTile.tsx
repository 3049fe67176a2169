/**
 * One test image as the evaluation shows it: the image (with its Grad-CAM map over it when
 * the overlay is on), its true class, the class the model predicted and how sure it was.
 */
import type { ClassActivations, ClassifiedImage } from '../../../engine/protocol/api';
import { formatPercent } from './format';
import { HeatmapOverlay } from './HeatmapOverlay';
import { SampleCanvas } from './SampleCanvas';

export interface TileHeatmap {
  values: readonly number[];
  width: number;
  height: number;
}

export function ClassifiedTile({
  example,
  className,
  heatmap,
  testId,
}: {
  example: ClassifiedImage;
  className: (index: number) => string;
  heatmap: TileHeatmap | null;
  testId: string;
}) {
  const truth = className(example.image.label);
  const predicted = className(example.predictedClass);
  const right = example.image.label === example.predictedClass;
  return (
    <figure
      className="mis-tile"
      data-testid={testId}
      data-index={example.index}
      title={`Test image #${example.index}: true ${truth}, predicted ${predicted} (${formatPercent(example.confidence)})`}
    >
      <div className="tile-image">
        <SampleCanvas image={example.image} size={48} />
        {heatmap && <HeatmapOverlay values={heatmap.values} width={heatmap.width} height={heatmap.height} />}
      </div>
      <figcaption>
        <span className="truth">{truth}</span>
        <span className={right ? 'predicted right' : 'predicted'}>→ {predicted}</span>
        <span className="confidence" title="the model's confidence in its guess">
          {formatPercent(example.confidence, 0)}
        </span>
      </figcaption>
    </figure>
  );
}

/** A grid of classified test images, each under its Grad-CAM map when `activations` (in the same order) are given. */
export function ClassifiedGrid({
  examples,
  activations,
  className,
  testId,
  itemTestId,
}: {
  examples: readonly ClassifiedImage[];
  activations: ClassActivations | null;
  className: (index: number) => string;
  testId: string;
  itemTestId: string;
}) {
  return (
    <div className="misclassified-grid" data-testid={testId}>
      {examples.map((example, i) => {
        const map = activations?.maps[i];
        return (
          <ClassifiedTile
            key={example.index}
            example={example}
            className={className}
            testId={itemTestId}
            heatmap={
              map && activations
                ? { values: map.values, width: activations.width, height: activations.height }
                : null
            }
          />
        );
      })}
    </div>
  );
}
