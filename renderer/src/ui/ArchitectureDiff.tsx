/**
 * Beside the compared runs' curves: what differs between their architectures — from one
 * run to another run, or to the graph being edited — listed here and, on request, marked
 * on the canvas (new and changed layers outlined, removed ones as ghosts where they sat).
 */
import { useMemo, useState } from 'react';
import type { GraphDocument } from '../../../engine/graph/document';
import type { RunRecord } from '../../../engine/protocol/api';
import { editorActions, useEditor } from '../store/editor-store';
import { describeChange, diffGraphs, isEmptyDiff } from '../store/graph-diff';
import { graphSignature } from '../training/readiness';
import { useUi } from './ui-store';
import '../canvas/diff.css';

const CURRENT = 'current';

/** How runs are named in the compare view (name and the end of the id). */
export function runLabel(run: RunRecord): string {
  return `${run.name} · ${run.id.slice(-6)}`;
}

export function ArchitectureDiff({ runs }: { runs: readonly RunRecord[] }) {
  const doc = useEditor((s) => s.doc);
  const diffBase = useUi((s) => s.diffBase);
  const setDiffBase = useUi((s) => s.setDiffBase);
  const [fromChoice, setFrom] = useState<string | null>(null);
  const [toChoice, setTo] = useState<string | null>(null);
  // Defaults follow the ticked runs: the first against the second, or against the graph.
  const from = runs.find((r) => r.id === fromChoice) ?? runs[0];
  const toRun =
    toChoice === CURRENT
      ? undefined
      : (runs.find((r) => r.id === toChoice && r !== from) ?? runs.find((r) => r !== from));
  const to = toRun?.id ?? CURRENT;
  const target: GraphDocument = toRun ? toRun.graph : doc;
  const diff = useMemo(() => (from ? diffGraphs(from.graph, target) : null), [from, target]);
  // The canvas shows the edited graph, so it can carry the marks when that graph is the target.
  const onCanvas = !toRun || graphSignature(toRun.graph) === graphSignature(doc);
  if (!from || !diff) return null;
  const marking = diffBase?.runId === from.id && onCanvas;
  const mark = (on: boolean, base = from) =>
    setDiffBase(on ? { runId: base.id, label: runLabel(base), graph: base.graph } : null);

  return (
    <section className="arch-diff" data-testid="arch-diff" aria-label="Architecture differences">
      <h3>Architecture</h3>
      <div className="arch-diff-pick">
        <label>
          From
          <select
            data-testid="diff-from"
            value={from.id}
            onChange={(e) => {
              setFrom(e.target.value);
              const base = runs.find((r) => r.id === e.target.value);
              if (marking && base) mark(true, base);
            }}
          >
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {runLabel(r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          To
          <select data-testid="diff-to" value={to} onChange={(e) => setTo(e.target.value)}>
            <option value={CURRENT}>the graph being edited</option>
            {runs
              .filter((r) => r !== from)
              .map((r) => (
                <option key={r.id} value={r.id}>
                  {runLabel(r)}
                </option>
              ))}
          </select>
        </label>
      </div>
      <p className="arch-diff-summary" data-testid="diff-summary">
        {isEmptyDiff(diff)
          ? 'Same architecture.'
          : `${diff.added.length} new · ${diff.removed.length} removed · ${diff.changed.length} changed`}
      </p>
      <ul className="arch-diff-list">
        {diff.added.map((id) => (
          <li key={`a-${id}`} data-testid={`diff-item-${id}`}>
            <span className="diff-badge added">new</span> {id}
          </li>
        ))}
        {diff.removed.map((n) => (
          <li key={`r-${n.id}`} data-testid={`diff-item-${n.id}`}>
            <span className="diff-badge removed">removed</span> {n.id}
          </li>
        ))}
        {diff.changed.map((c) => (
          <li key={`c-${c.afterId}`} data-testid={`diff-item-${c.afterId}`}>
            <span className="diff-badge changed">changed</span> {c.afterId}:{' '}
            <span className="mono">{describeChange(c)}</span>
          </li>
        ))}
      </ul>
      {onCanvas ? (
        <label className="arch-diff-mark">
          <input
            type="checkbox"
            data-testid="diff-mark"
            checked={marking}
            onChange={(e) => mark(e.target.checked)}
          />
          Mark on the canvas
        </label>
      ) : (
        <button
          type="button"
          data-testid="diff-open-target"
          title="Open that run's graph in the editor (undo returns to yours) and mark the differences on it"
          onClick={() => {
            editorActions.replaceDocument(toRun!.graph);
            useUi.getState().toast(`Opened the graph of run "${runLabel(toRun!)}" (undo returns to yours).`);
            mark(true);
          }}
        >
          Open its graph and mark the differences
        </button>
      )}
    </section>
  );
}
