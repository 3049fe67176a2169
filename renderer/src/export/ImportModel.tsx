/**
 * The Import part of the Export / Import dialog: a Keras or TensorFlow.js model, with its
 * weights when the person selects them too (model.json with its .bin shards, or a Keras
 * .h5). When the engine needs a choice — the image size of an input the file leaves
 * unknown, the head to train of a model with several outputs — it asks for it here and
 * imports again.
 */
import { useId, useState } from 'react';
import type { ImportModelOptions } from '../../../engine/protocol/api';
import { useEngine } from '../engine/connection';
import { editorActions } from '../store/editor-store';
import { bytesToBase64 } from '../training/base64';
import { errorText, refreshRuns } from '../training/training-store';
import { useUi } from '../ui/ui-store';

/** What the engine asked for before it can import. */
interface Needs {
  inputSize?: { input: string; shape: Array<number | null> };
  outputs?: string[];
}

/** `224` or `224x160` as [height, width], or null. */
function parseSize(text: string): [number, number] | null {
  const match = /^\s*(\d+)\s*(?:[x×]\s*(\d+))?\s*$/i.exec(text);
  if (!match) return null;
  const size: [number, number] = [Number(match[1]), Number(match[2] ?? match[1])];
  return size.every((n) => n >= 1 && n <= 4096) ? size : null;
}

const isModelJson = (file: File) => /\.json$/i.test(file.name);

/** The engine's request: model.json's text, every other file as base64. */
async function requestOf(
  files: readonly File[],
): Promise<{ modelJson: string; files: ImportModelOptions['files'] }> {
  const json = files.filter(isModelJson);
  if (json.length > 1) throw new Error(`select one model JSON file, not ${json.length}`);
  const others = await Promise.all(
    files
      .filter((file) => !isModelJson(file))
      .map(async (file) => ({
        name: file.name,
        content: bytesToBase64(new Uint8Array(await file.arrayBuffer())),
      })),
  );
  return { modelJson: json[0] ? await json[0].text() : '', files: others };
}

/** The choices the engine asked for, from an `InvalidImport` refusal. */
function needsOf(error: unknown): Needs | null {
  const data = (error as { name?: string; data?: unknown }).data;
  if ((error as { name?: string }).name !== 'InvalidImport' || typeof data !== 'object' || data === null)
    return null;
  const { inputSize, outputs } = data as Needs;
  if (!inputSize && !(Array.isArray(outputs) && outputs.length > 1)) return null;
  return { ...(inputSize ? { inputSize } : {}), ...(outputs ? { outputs } : {}) };
}

export function ImportModel({ onImported }: { onImported(): void }) {
  const engine = useEngine((s) => s.client);
  const sizeId = useId();
  const outputId = useId();
  const [error, setError] = useState<string | null>(null);
  const [unmapped, setUnmapped] = useState<string[] | null>(null);
  const [pending, setPending] = useState<File[]>([]);
  const [needs, setNeeds] = useState<Needs | null>(null);
  const [sizeText, setSizeText] = useState('');
  const [output, setOutput] = useState('');
  const [busy, setBusy] = useState(false);

  const label = (files: readonly File[]) => files.map((file) => file.name).join(', ');

  const runImport = async (files: File[], choices: Pick<ImportModelOptions, 'inputSize' | 'output'>) => {
    if (!engine || files.length === 0) return;
    setError(null);
    setUnmapped(null);
    setBusy(true);
    try {
      const { modelJson, files: extra } = await requestOf(files);
      const result = await engine.importModel(modelJson, { files: extra, ...choices });
      setNeeds(null);
      setPending([]);
      editorActions.replaceDocument(result.document);
      const missing = result.unmapped;
      const weights = result.weightsRunId
        ? ' With its weights: Try an image, Evaluate and Export can use the run “Imported weights”.'
        : '';
      const note = missing.length
        ? ` ${missing.length} layer${missing.length === 1 ? '' : 's'} had no equivalent: ${missing.join(', ')}.`
        : '';
      if (result.weightsRunId) void refreshRuns();
      useUi
        .getState()
        .toast(
          `Imported “${result.document.name}” from ${label(files)} (undo to go back).${weights}${note}`,
          missing.length ? 'error' : 'info',
        );
      if (missing.length) setUnmapped(missing);
      else onImported();
    } catch (e) {
      const asked = needsOf(e);
      if (asked) {
        setPending(files);
        // Keep what was asked before (the size given stays shown and is sent again).
        setNeeds((previous) => ({ ...previous, ...asked }));
        if (asked.outputs && !asked.outputs.includes(output)) setOutput(asked.outputs[0]);
      } else {
        setNeeds(null);
        setError(`Could not import ${label(files)}: ${errorText(e)}`);
      }
    } finally {
      setBusy(false);
    }
  };

  const size = parseSize(sizeText);
  const retry = () => {
    if (needs?.inputSize && !size) return;
    void runImport(pending, {
      ...(needs?.inputSize && size ? { inputSize: size } : {}),
      ...(needs?.outputs ? { output } : {}),
    });
  };

  return (
    <section className="import-model">
      <h3>Import a model</h3>
      <p className="muted small">
        Keras or TensorFlow.js: a model.json (select its .bin weight files with it to bring the weights), a
        Keras .keras or .h5 file (layers and weights), or Keras JSON (model.to_json()). ONNX: a .onnx file
        (layers and weights, as torch.onnx.export and model zoos write them).
      </p>
      <input
        type="file"
        multiple
        accept=".json,application/json,.bin,.h5,.hdf5,.keras,.onnx"
        aria-label="Model files to import (model.json and its .bin files, a Keras .keras or .h5, or an ONNX file)"
        data-testid="import-model-file"
        disabled={busy}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          setNeeds(null);
          setSizeText('');
          void runImport(files, {});
          e.target.value = '';
        }}
      />
      {needs && (
        <form
          className="import-needs"
          data-testid="import-needs"
          onSubmit={(e) => {
            e.preventDefault();
            retry();
          }}
        >
          {needs.inputSize && (
            <p>
              <label htmlFor={sizeId}>
                Image size for input “{needs.inputSize.input}” (the file leaves it unknown)
              </label>
              <input
                id={sizeId}
                type="text"
                inputMode="numeric"
                placeholder="224 or 224x160"
                value={sizeText}
                autoFocus
                aria-invalid={sizeText !== '' && !size}
                data-testid="import-input-size"
                onChange={(e) => setSizeText(e.target.value)}
              />
              {sizeText !== '' && !size && (
                <span className="error-text small"> a size from 1 to 4096, like 224 or 224x160</span>
              )}
            </p>
          )}
          {needs.outputs && (
            <p>
              <label htmlFor={outputId}>The model has {needs.outputs.length} outputs: the one to train</label>
              <select
                id={outputId}
                value={output}
                data-testid="import-output"
                onChange={(e) => setOutput(e.target.value)}
              >
                {needs.outputs.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </p>
          )}
          <button type="submit" data-testid="import-retry" disabled={busy || (!!needs.inputSize && !size)}>
            Import {label(pending)}
          </button>
        </form>
      )}
      {error && (
        <p className="error-text" data-testid="import-error">
          {error}
        </p>
      )}
      {unmapped && (
        <div data-testid="import-unmapped">
          <p className="small">Imported, but these layers had no CNN Studio equivalent and were left out:</p>
          <ul className="small">
            {unmapped.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
