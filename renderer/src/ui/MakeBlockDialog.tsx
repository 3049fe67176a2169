/**
 * Make block: name the block, choose which inner params become the block's own (a name,
 * a default, bounds), and the selection becomes one instance of a new palette entry. The
 * definition goes into the project and, unless unticked, the person's library.
 */
import { useMemo, useState } from 'react';
import { getNodeType } from '../../../engine/nodes/registry';
import type { ParamSpec } from '../../../engine/nodes/types';
import type { ExposedParam, UserBlockDefinition } from '../../../engine/nodes/user-block';
import { saveToLibrary, useBlockLibrary } from '../store/block-library';
import { editorActions, editorStore } from '../store/editor-store';
import {
  definitionFrom,
  definitionProblems,
  type BlockDraft,
  type ExposableParam,
} from '../store/user-blocks';
import { closeBlockDialogs, useBlockDialogs } from './block-dialogs';
import { exposedTexts, parseExposed } from './exposed-param-input';
import { Modal } from './Modal';
import { useUi } from './ui-store';
import './user-blocks.css';

interface ExposeRow {
  checked: boolean;
  name: string;
  label: string;
  defaultText: string;
  minText: string;
  maxText: string;
}

const keyOf = (p: Pick<ExposableParam, 'node' | 'param'>) => `${p.node}.${p.param}`;

function initialRows(draft: BlockDraft): Record<string, ExposeRow> {
  const counts = new Map<string, number>();
  for (const p of draft.exposable) counts.set(p.param, (counts.get(p.param) ?? 0) + 1);
  return Object.fromEntries(
    draft.exposable.map((p) => [
      keyOf(p),
      {
        checked: false,
        // The param's own name when only one layer has it, else prefixed by the layer.
        name: counts.get(p.param) === 1 ? p.param : `${p.node}_${p.param}`,
        label: counts.get(p.param) === 1 ? p.paramLabel : p.label,
        ...exposedTexts(p.value, p.min, p.max),
      },
    ]),
  );
}

function specOf(draft: BlockDraft, p: ExposableParam): ParamSpec | undefined {
  const node = draft.nodes.find((n) => n.id === p.node);
  return node ? getNodeType(node.type)?.params.find((s) => s.name === p.param) : undefined;
}

/** The exposed params the rows describe, or the first problem with what was typed. */
function exposedFrom(
  draft: BlockDraft,
  rows: Record<string, ExposeRow>,
): { params: ExposedParam[] } | { problem: string } {
  const params: ExposedParam[] = [];
  for (const p of draft.exposable) {
    const row = rows[keyOf(p)];
    if (!row.checked) continue;
    const spec = specOf(draft, p);
    if (!spec) continue;
    const values = parseExposed(spec, p.label, row);
    if ('problem' in values) return values;
    params.push({
      name: row.name.trim(),
      label: row.label.trim() || row.name.trim(),
      ...values,
      targets: [{ node: p.node, param: p.param }],
    });
  }
  return { params };
}

export function MakeBlockDialog() {
  const draft = useBlockDialogs((s) => s.making);
  if (!draft) return null;
  return <MakeBlockForm draft={draft} />;
}

function MakeBlockForm({ draft }: { draft: BlockDraft }) {
  const [label, setLabel] = useState('My block');
  const [rows, setRows] = useState(() => initialRows(draft));
  const [keepInLibrary, setKeepInLibrary] = useState(true);
  const library = useBlockLibrary((s) => s.definitions);

  const result = useMemo((): { definition: UserBlockDefinition | null; problems: string[] } => {
    const exposed = exposedFrom(draft, rows);
    if ('problem' in exposed) return { definition: null, problems: [exposed.problem] };
    const taken = new Set([
      ...(editorStore.getState().doc.blocks ?? []).map((b) => b.type),
      ...library.map((b) => b.type),
    ]);
    const definition = definitionFrom(draft, { label, params: exposed.params }, taken);
    return { definition, problems: definitionProblems(definition) };
  }, [draft, rows, label, library]);

  const update = (key: string, change: Partial<ExposeRow>) =>
    setRows((current) => ({ ...current, [key]: { ...current[key], ...change } }));

  const make = () => {
    const { definition, problems } = result;
    if (!definition || problems.length > 0) return;
    editorActions.makeBlock(draft, definition);
    closeBlockDialogs();
    if (keepInLibrary)
      void saveToLibrary(definition).then((problem) => problem && useUi.getState().toast(problem, 'error'));
  };

  return (
    <Modal title="Make block" onClose={closeBlockDialogs} testId="make-block-dialog" wide>
      <p className="muted small">
        {draft.nodes.length} layers ({draft.nodes.map((n) => n.label ?? n.id).join(' → ')}) become one block;
        its input is {draft.exampleInput.join('×')}.
      </p>
      <div className="field">
        <label htmlFor="make-block-name">Name</label>
        <input
          id="make-block-name"
          data-testid="make-block-name"
          value={label}
          autoFocus
          onChange={(e) => setLabel(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && make()}
        />
      </div>
      <fieldset className="expose-params">
        <legend>Parameters of the block (set on each use; the rest are fixed in the block)</legend>
        {draft.exposable.length === 0 && (
          <p className="muted small">These layers have no numeric parameters.</p>
        )}
        {draft.exposable.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">Expose</th>
                <th scope="col">Name</th>
                <th scope="col">Default</th>
                <th scope="col">Lowest</th>
                <th scope="col">Highest</th>
              </tr>
            </thead>
            <tbody>
              {draft.exposable.map((p) => {
                const key = keyOf(p);
                const row = rows[key];
                const testId = `make-block-expose-${p.node}-${p.param}`;
                return (
                  <tr key={key} className={row.checked ? 'exposed' : undefined}>
                    <td>
                      <label className="check">
                        <input
                          type="checkbox"
                          data-testid={testId}
                          checked={row.checked}
                          onChange={(e) => update(key, { checked: e.target.checked })}
                        />
                        {p.label}
                      </label>
                    </td>
                    <td>
                      <input
                        aria-label={`${p.label}: name`}
                        data-testid={`${testId}-name`}
                        value={row.name}
                        disabled={!row.checked}
                        onChange={(e) => update(key, { name: e.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        aria-label={`${p.label}: default`}
                        data-testid={`${testId}-default`}
                        value={row.defaultText}
                        disabled={!row.checked}
                        onChange={(e) => update(key, { defaultText: e.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        aria-label={`${p.label}: lowest value`}
                        data-testid={`${testId}-min`}
                        value={row.minText}
                        inputMode="decimal"
                        disabled={!row.checked}
                        onChange={(e) => update(key, { minText: e.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        aria-label={`${p.label}: highest value`}
                        data-testid={`${testId}-max`}
                        value={row.maxText}
                        inputMode="decimal"
                        disabled={!row.checked}
                        onChange={(e) => update(key, { maxText: e.target.value })}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </fieldset>
      <label className="check">
        <input
          type="checkbox"
          data-testid="make-block-library"
          checked={keepInLibrary}
          onChange={(e) => setKeepInLibrary(e.target.checked)}
        />
        Also keep it in my block library (for other projects)
      </label>
      {result.problems.length > 0 && (
        <ul className="issues compact" data-testid="make-block-problems">
          {result.problems.map((problem) => (
            <li key={problem} className="error">
              {problem}
            </li>
          ))}
        </ul>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={closeBlockDialogs}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          data-testid="make-block-confirm"
          disabled={result.problems.length > 0}
          onClick={make}
        >
          Make block
        </button>
      </div>
    </Modal>
  );
}
