/**
 * The test-set confusion matrix (rows: true class, columns: predicted), cells shaded by the
 * share of their row, with per-class accuracy as a bar at the end of each row. Each count is
 * a button that shows that cell's images; the arrow keys move between cells (one tab stop
 * for the whole matrix, as in a grid).
 */
import { useRef, useState } from 'react';
import type { RunResult } from '../../../engine/protocol/api';
import type { CellChoice } from './CellImages';
import { confusionCells, perClassAccuracy } from './confusion';
import { formatPercent } from './format';

/** Column headings stay narrow: the first letters, the full name on hover. */
function short(name: string): string {
  return name.length <= 5 ? name : `${name.slice(0, 4)}.`;
}

const MOVES: Record<string, [number, number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

export function ConfusionMatrix({
  result,
  classNames,
  selected = null,
  onSelect,
}: {
  result: RunResult;
  classNames: readonly string[];
  /** The cell whose images are on show. */
  selected?: CellChoice | null;
  onSelect?: (cell: CellChoice) => void;
}) {
  const cells = confusionCells(result.confusion);
  const accuracy =
    result.perClassAccuracy.length === result.confusion.length
      ? result.perClassAccuracy
      : perClassAccuracy(result.confusion);
  const name = (i: number) => classNames[i] ?? String(i);
  const table = useRef<HTMLTableElement>(null);
  // The cell that takes the matrix's one tab stop: the last one focused or chosen.
  const [active, setActive] = useState<[number, number]>([0, 0]);
  const size = cells.length;
  const [activeRow, activeColumn] =
    active[0] < size && active[1] < size ? active : ([0, 0] as [number, number]);

  const focusCell = (t: number, p: number) => {
    setActive([t, p]);
    table.current?.querySelector<HTMLButtonElement>(`[data-testid="confusion-cell-${t}-${p}"]`)?.focus();
  };
  const onKeyDown = (event: React.KeyboardEvent, t: number, p: number) => {
    const move = MOVES[event.key];
    let target: [number, number] | null = move ? [t + move[0], p + move[1]] : null;
    if (event.key === 'Home') target = [t, 0];
    if (event.key === 'End') target = [t, size - 1];
    if (!target) return;
    event.preventDefault();
    const [row, column] = target;
    if (row >= 0 && row < size && column >= 0 && column < size) focusCell(row, column);
  };

  return (
    <table className="confusion" data-testid="confusion-matrix" ref={table}>
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
            {row.map((cell, p) => {
              const isSelected = selected?.trueClass === t && selected.predictedClass === p;
              return (
                <td
                  key={p}
                  style={{ background: cell.background, color: cell.color }}
                  data-testid={t === p ? `confusion-diag-${t}` : undefined}
                  className={isSelected ? 'selected' : undefined}
                >
                  <button
                    type="button"
                    className="confusion-cell"
                    data-testid={`confusion-cell-${t}-${p}`}
                    aria-label={`${cell.count} ${cell.count === 1 ? 'image' : 'images'}: true ${name(t)}, predicted ${name(p)}`}
                    aria-pressed={isSelected}
                    title={`${name(t)} → ${name(p)}: ${cell.count} (${formatPercent(cell.fraction)})`}
                    tabIndex={t === activeRow && p === activeColumn ? 0 : -1}
                    onFocus={() => setActive([t, p])}
                    onKeyDown={(event) => onKeyDown(event, t, p)}
                    onClick={() => {
                      setActive([t, p]);
                      onSelect?.({ trueClass: t, predictedClass: p });
                    }}
                  >
                    {cell.count}
                  </button>
                </td>
              );
            })}
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
