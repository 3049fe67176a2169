/** Placeholder for the training panel (owned by the training UI engineer). */
export function TrainingPanel() {
  return (
    <div className="training-placeholder" data-testid="training-panel">
      Training will appear here.
    </div>
  );
}
