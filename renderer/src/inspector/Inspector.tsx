/**
 * The inspector: the selected node's name, shapes, counts and issues, and a typed form
 * for its params; for a multi-selection, the params the nodes share.
 */
import { useMemo } from 'react';
import { formatCount, formatShape } from '../../../engine/graph/format';
import { isFrozen } from '../../../engine/graph/freeze';
import { getNodeType } from '../../../engine/nodes/registry';
import { editorActions, useEditor } from '../store/editor-store';
import { fixesFor } from '../store/fixits';
import { FixButtons } from '../ui/FixButtons';
import { COMMANDS, keyLabel } from '../../../shared/commands';
import { commonParams } from './common-params';
import { ParamField } from './ParamField';
import { HealthSection } from './HealthSection';
import { isUserBlockType } from '../../../engine/nodes/user-block-registry';
import { openBlockDefinition } from '../ui/block-dialogs';
import { startMakeBlock } from '../ui/make-block-action';

export function Inspector() {
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  const selectedIds = useEditor((s) => s.selection.nodes);
  const nodes = useMemo(() => doc.nodes.filter((n) => selectedIds.includes(n.id)), [doc, selectedIds]);
  const fields = useMemo(() => commonParams(nodes), [nodes]);

  if (nodes.length === 0) return <DocumentInfo />;

  const single = nodes.length === 1 ? nodes[0] : null;
  const def = single ? getNodeType(single.type) : undefined;
  const info = single ? analysis.nodes[single.id] : undefined;
  const issues = analysis.issues.filter((i) => i.nodeId && selectedIds.includes(i.nodeId));
  const paramIssue = (name: string) =>
    issues.find((i) => i.param === name && i.severity === 'error' && nodes.length === 1)?.message;
  const ids = nodes.map((n) => n.id);

  return (
    <aside className="inspector" aria-label="Inspector" data-testid="inspector">
      <div className="panel-title">
        {single ? (def?.label ?? single.type) : `${nodes.length} layers selected`}
      </div>
      {single && (
        <>
          <p className="muted small">{def?.doc}</p>
          <div className="field">
            <label htmlFor="node-label">Name</label>
            <input
              id="node-label"
              data-testid="node-label-input"
              key={single.id}
              defaultValue={single.label ?? ''}
              placeholder={def?.label}
              onBlur={(e) => editorActions.setLabel(single.id, e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
            />
          </div>
          <dl className="facts">
            <dt>Id</dt>
            <dd>{single.id}</dd>
            <dt>Input</dt>
            <dd>{info?.inputShapes.map((s) => formatShape(s)).join(', ') || '—'}</dd>
            <dt>Output</dt>
            <dd data-testid="inspector-output-shape">{formatShape(info?.outputShape)}</dd>
            <dt>Params</dt>
            <dd>
              {formatCount(info?.params.trainable ?? 0)}
              {info?.params.nonTrainable ? ` + ${formatCount(info.params.nonTrainable)} fixed` : ''}
            </dd>
          </dl>
          <HealthSection nodeId={single.id} />
        </>
      )}
      {fields.length > 0 && <div className="panel-subtitle">Parameters</div>}
      {fields.map(({ spec, value }) => (
        <ParamField
          key={`${ids.join(',')}:${spec.name}`}
          spec={spec}
          value={value}
          issue={paramIssue(spec.name)}
          onCommit={(v) => editorActions.setParam(spec.name, v, ids)}
        />
      ))}
      {nodes.length > 1 && fields.length === 0 && <p className="muted">These layers share no parameters.</p>}
      <div className="inspector-actions">
        {/* One layer too: a built-in block made a block of one's own gets a repeat count (a stage). */}
        {!(single && isUserBlockType(single.type)) && (
          <button
            type="button"
            className="block-action"
            data-testid="make-block"
            title={`Make a block of your own from these layers (${keyLabel(COMMANDS.makeBlock.keys[0])})`}
            onClick={startMakeBlock}
          >
            Make block…
          </button>
        )}
        {single && getNodeType(single.type)?.expand && (
          <button
            type="button"
            className="block-action"
            data-testid="unfold-block"
            title="Replace this block with its layers, one node per layer (undo folds it back)"
            onClick={() => editorActions.unfoldBlocks([single.id])}
          >
            Unfold
          </button>
        )}
        {single && isUserBlockType(single.type) && (
          <button
            type="button"
            className="block-action"
            data-testid="edit-block-definition"
            onClick={() => openBlockDefinition(single.type)}
          >
            Edit block definition…
          </button>
        )}
        <label className="check">
          <input
            type="checkbox"
            data-testid="node-bypass"
            checked={nodes.every((n) => n.bypassed)}
            onChange={() => editorActions.toggleBypass(ids)}
          />
          Bypass <kbd>{keyLabel(COMMANDS.bypass.keys[0])}</kbd>
        </label>
        <label
          className="check"
          title="A frozen layer keeps its weights while the rest trains (transfer learning)"
        >
          <input
            type="checkbox"
            data-testid="node-freeze"
            checked={nodes.every(isFrozen)}
            onChange={() => editorActions.toggleFreeze(ids)}
          />
          <span aria-hidden="true">❄</span> Freeze <kbd>{keyLabel(COMMANDS.freeze.keys[0])}</kbd>
        </label>
      </div>
      {issues.length > 0 && (
        <ul className="issues compact">
          {issues.map((issue, i) => (
            <li key={i} className={issue.severity}>
              {issue.message}
              <FixButtons fixes={fixesFor(doc, analysis, issue)} />
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

function DocumentInfo() {
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  return (
    <aside className="inspector" aria-label="Inspector" data-testid="inspector">
      <div className="panel-title">Model</div>
      <div className="field">
        <label htmlFor="doc-name">Name</label>
        <input
          id="doc-name"
          key={doc.name}
          defaultValue={doc.name}
          onBlur={(e) => {
            const name = e.target.value.trim();
            if (name && name !== doc.name) editorActions.setDocument((d) => ({ ...d, name }));
          }}
        />
      </div>
      {doc.description && <p className="muted small">{doc.description}</p>}
      <div className="field">
        <label htmlFor="doc-direction">Layout</label>
        <select
          id="doc-direction"
          value={doc.layout.direction}
          onChange={(e) =>
            editorActions.setDocument((d) => ({
              ...d,
              layout: { direction: e.target.value === 'TB' ? 'TB' : 'LR' },
            }))
          }
        >
          <option value="LR">Left to right</option>
          <option value="TB">Top down</option>
        </select>
      </div>
      <dl className="facts">
        <dt>Layers</dt>
        <dd>{doc.nodes.length}</dd>
        <dt>Input</dt>
        <dd>{formatShape(analysis.inputShape)}</dd>
        <dt>Output</dt>
        <dd>{formatShape(analysis.outputShape)}</dd>
        <dt>Params</dt>
        <dd>{formatCount(analysis.totals.trainable + analysis.totals.nonTrainable)}</dd>
      </dl>
      <p className="muted small">Select a layer to edit its parameters.</p>
    </aside>
  );
}
