/** The key to the architecture diff's marks, naming the run compared with; × clears the marks. */
import { useUi, type DiffBase } from '../ui/ui-store';
import './diff.css';

export function DiffLegend({ base }: { base: DiffBase }) {
  return (
    <aside className="diff-legend" data-testid="diff-legend" aria-label="Architecture differences">
      <span className="diff-legend-title">
        Changes since run <strong>{base.label}</strong>
      </span>
      <span className="diff-badge added">new</span>
      <span className="diff-badge changed">changed</span>
      <span className="diff-badge removed">removed</span>
      <button
        type="button"
        className="icon"
        aria-label="Stop marking differences"
        title="Stop marking differences"
        data-testid="diff-clear"
        onClick={() => useUi.getState().setDiffBase(null)}
      >
        ×
      </button>
    </aside>
  );
}
