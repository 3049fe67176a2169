/**
 * Which engine and backend trains, on what device, and why the others were passed over: for
 * `auto` and `pytorch` what the engine's probe says a run would get, otherwise the compute
 * backend (tfjs in the engine, or this window's WebGPU/WebGL).
 */
import { useEffect } from 'react';
import type { BackendInfo } from '../../../engine/protocol/api';
import { chooseAutoPlacement } from '../window-training/auto-choice';
import { useTrainEngine } from '../window-training/engine-choice';
import { loadWindowGpus, useWindowGpus } from '../window-training/window-gpus';
import { loadEngineReport, useEngineReport } from './engine-report';
import { useTraining } from './training-store';

function Line({ text, error }: { text: string; error?: boolean }) {
  return (
    <p className={`backend-line small ${error ? 'error-text' : 'muted'}`} data-testid="train-backend">
      {text}
    </p>
  );
}

function Backend({ backend, gpuAdvice }: { backend: BackendInfo; gpuAdvice?: string | null }) {
  return (
    <details className="backend-line small">
      <summary data-testid="train-backend" title="Click for why the others were not picked">
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
      {gpuAdvice && <p className="muted">To train on a GPU: {gpuAdvice}.</p>}
    </details>
  );
}

export function BackendLine() {
  const backend = useTraining((s) => s.backend);
  const error = useTraining((s) => s.backendError);
  const trainEngine = useTrainEngine((s) => s.engine);
  const { report, error: reportError } = useEngineReport();
  const windowProbe = useWindowGpus((s) => s.probe);
  const askEngine = trainEngine === 'auto' || trainEngine === 'pytorch';
  useEffect(() => {
    if (askEngine && !report) void loadEngineReport();
    if (trainEngine === 'auto') void loadWindowGpus();
  }, [askEngine, report, trainEngine]);

  if (trainEngine === 'auto') {
    // `auto` counts this window's GPU too: a GPU in the engine, then WebGPU, then WebGL here.
    if (reportError) return <Line text={reportError} error />;
    if (!report || !windowProbe) return <Line text="Checking the training engines and this window's GPU…" />;
    const placement = chooseAutoPlacement(
      { choice: report.choices.auto, onGpu: report.gpuAdvice === null },
      windowProbe,
    );
    if (placement.where === 'none') return <Line text={placement.error} error />;
    return (
      <Backend
        backend={placement.backend}
        gpuAdvice={placement.where === 'engine' ? report.gpuAdvice : null}
      />
    );
  }
  if (askEngine) {
    if (reportError) return <Line text={reportError} error />;
    const choice = report?.choices[trainEngine];
    if (!choice) return <Line text="Checking the training engines…" />;
    if (choice.error) return <Line text={choice.error} error />;
    return <Backend backend={choice.backend!} gpuAdvice={report!.gpuAdvice} />;
  }
  if (error) return <Line text={error} error />;
  if (!backend) return <Line text="Choosing a compute backend…" />;
  return <Backend backend={backend} />;
}
