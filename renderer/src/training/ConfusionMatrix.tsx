/**
 * The test-set confusion matrix (rows: true class, columns: predicted), cells shaded by the
 * share of their row, with per-class accuracy as a bar at the end of each row.
 */
import type { RunResult } from '../../../engine/protocol/api';
import { confusionCells, perClassAccuracy } from './confusion';
import { formatPercent } from './format';

/** Column headings stay narrow: the first letters, the full name on hover. */
function short(name: string): string {
  return name.length <= 5 ? name : `${name.slice(0, 4)}.`;
}

export function ConfusionMatrix({
  result,
  classNames,
}: {
  result: RunResult;
  classNames: readonly string[];
}) {
  const cells = confusionCells(result.confusion);
  const accuracy =
    result.perClassAccuracy.length === result.confusion.length
      ? result.perClassAccuracy
      : perClassAccuracy(result.confusion);
  const name = (i: number) => classNames[i] ?? String(i);
  return (
    <table className="confusion" data-testid="confusion-matrix">
      <caption>
        Confusion on the test set <span className="muted">(rows: true class, columns: predicted)</span>
      </caption>
      <thead>
        <tr>
          <th />
          {cells.map((_, p) => (
            <th key={p} title={name(p)} scope="col">
              {short(name(p))}
            </th>
          ))}
          <th scope="col">accuracy</th>
        </tr>
      </thead>
      <tbody>
        {cells.map((row, t) => (
          <tr key={t} data-testid={`confusion-row-${t}`}>
            <th scope="row" title={name(t)}>
              {name(t)}
            </th>
            {row.map((cell, p) => (
              <td
                key={p}
                style={{ background: cell.background, color: cell.color }}
                title={`${name(t)} → ${name(p)}: ${cell.count} (${formatPercent(cell.fraction)})`}
                data-testid={t === p ? `confusion-diag-${t}` : undefined}
              >
                {cell.count}
              </td>
            ))}
            <td className="class-accuracy" data-testid={`class-accuracy-${t}`}>
              <span
                className="bar"
                style={{ width: `${Math.round((Number.isFinite(accuracy[t]) ? accuracy[t] : 0) * 100)}%` }}
              />
              <span className="bar-label">{formatPercent(accuracy[t], 0)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
