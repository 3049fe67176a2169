/** Which compute backend trains, on what device, and why faster ones were passed over. */
import { useTraining } from './training-store';

export function BackendLine() {
  const backend = useTraining((s) => s.backend);
  const error = useTraining((s) => s.backendError);
  if (error)
    return (
      <p className="backend-line error-text small" data-testid="train-backend">
        {error}
      </p>
    );
  if (!backend)
    return (
      <p className="backend-line muted small" data-testid="train-backend">
        Choosing a compute backend…
      </p>
    );
  return (
    <details className="backend-line small">
      <summary data-testid="train-backend" title="Click for why faster backends were skipped">
        Runs on <strong>{backend.name}</strong> — {backend.device}
      </summary>
      {backend.skipped.length > 0 && (
        <ul className="backend-skipped" data-testid="train-backend-skipped">
          {backend.skipped.map((s) => (
            <li key={s.name}>
              <strong>{s.name}</strong>: {s.reason}
            </li>
          ))}
        </ul>
      )}
      {backend.patchedKernels.length > 0 && (
        <p className="muted">Faster training kernels: {backend.patchedKernels.join(', ')}</p>
      )}
    </details>
  );
}
