/**
 * The model summary, like Keras's `model.summary()`: one row per layer in execution order
 * with its output shape, params, multiply-adds and activation memory, then the totals and
 * the list of issues (click one to select the layer at fault).
 */
import { useMemo } from 'react';
import { formatBytes, formatCompact, formatCount, formatShape } from '../../../engine/graph/format';
import { getNodeType } from '../../../engine/nodes/registry';
import { editorActions, useEditor } from '../store/editor-store';

export function SummaryPanel() {
  const doc = useEditor((s) => s.doc);
  const analysis = useEditor((s) => s.analysis);
  const byId = useMemo(() => new Map(doc.nodes.map((n) => [n.id, n])), [doc]);
  // Layers in execution order; with a cycle there is no order, so fall back to file order.
  const order = analysis.order.length ? analysis.order : doc.nodes.map((n) => n.id);
  const { totals } = analysis;

  return (
    <div className="summary" data-testid="summary">
      {/* Focusable, so the table scrolls from the keyboard too. */}
      <div className="summary-table-wrap" tabIndex={0} role="region" aria-label="Layers">
        <table className="summary-table">
          <thead>
            <tr>
              <th>Layer</th>
              <th>Type</th>
              <th>Output shape</th>
              <th className="num">Params</th>
              <th className="num">Mult-adds</th>
              <th className="num">Activations</th>
            </tr>
          </thead>
          <tbody>
            {order.map((id) => {
              const node = byId.get(id);
              const info = analysis.nodes[id];
              if (!node) return null;
              const params = info ? info.params.trainable + info.params.nonTrainable : 0;
              return (
                <tr
                  key={id}
                  onClick={() => editorActions.select({ nodes: [id], edges: [] })}
                  data-testid={`summary-row-${id}`}
                >
                  <td>{node.label ?? id}</td>
                  <td>{getNodeType(node.type)?.label ?? node.type}</td>
                  <td className="mono">{formatShape(info?.outputShape)}</td>
                  <td className="num">{formatCount(params)}</td>
                  <td className="num">{info ? formatCompact(info.macs) : ''}</td>
                  <td className="num">{info ? formatBytes(info.activationBytes) : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="summary-side">
        <dl className="totals">
          <dt>Total params</dt>
          <dd>
            <span className="sr-only" data-testid="summary-params-total">
              {totals.trainable + totals.nonTrainable}
            </span>
            <span aria-hidden>{formatCount(totals.trainable + totals.nonTrainable)}</span>
          </dd>
          <dt>Trainable</dt>
          <dd data-testid="summary-trainable">{formatCount(totals.trainable)}</dd>
          <dt>Non-trainable</dt>
          <dd data-testid="summary-non-trainable">{formatCount(totals.nonTrainable)}</dd>
          <dt>Mult-adds</dt>
          <dd>{formatCompact(totals.macs)}</dd>
          <dt>Activations</dt>
          <dd>{formatBytes(totals.activationBytes)} / example</dd>
          <dt>Input → output</dt>
          <dd>
            {formatShape(analysis.inputShape)} →{' '}
            <span data-testid="summary-output-shape">{formatShape(analysis.outputShape)}</span>
          </dd>
        </dl>
        <IssueList />
      </div>
    </div>
  );
}

function IssueList() {
  const issues = useEditor((s) => s.analysis.issues);
  if (issues.length === 0)
    return (
      <p className="ok-line" data-testid="summary-valid">
        ✓ The model is valid.
      </p>
    );
  return (
    <ul className="issues" data-testid="summary-issues">
      {issues.map((issue, i) => (
        <li
          key={i}
          className={issue.severity}
          onClick={() => issue.nodeId && editorActions.select({ nodes: [issue.nodeId], edges: [] })}
          data-testid="summary-issue"
        >
          <span className="issue-kind">{issue.severity === 'error' ? 'Error' : 'Warning'}</span>
          {issue.nodeId && <span className="issue-node">{issue.nodeId}</span>}
          {issue.message}
        </li>
      ))}
    </ul>
  );
}
