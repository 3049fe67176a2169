/**
 * The palette: every node type from the registry, grouped by category and searchable,
 * with its one-line doc on hover. Drag an entry onto the canvas, or double-click it to
 * add it at the centre of the view.
 */
import { useMemo, useState, type DragEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { nodeTypes } from '../../../engine/nodes/registry';
import { editorActions } from '../store/editor-store';
import { groupByCategory, matchesQuery } from './search';
import { useUserBlockTypes } from './user-block-entries';

/** The drag-and-drop data type carrying a node type id from the palette to the canvas. */
export const PALETTE_MIME = 'application/x-cnn-studio-node';

export function Palette() {
  const [query, setQuery] = useState('');
  const flow = useReactFlow();
  const userTypes = useUserBlockTypes();
  const groups = useMemo(() => {
    const builtIn = groupByCategory(nodeTypes.filter((d) => matchesQuery(d, query)));
    // Blocks the person made come last, under their own heading.
    const own = userTypes.filter((d) => matchesQuery(d, query));
    return own.length > 0 ? [...builtIn, ['My blocks', own] as const] : builtIn;
  }, [query, userTypes]);

  const onDragStart = (event: DragEvent, type: string) => {
    event.dataTransfer.setData(PALETTE_MIME, type);
    event.dataTransfer.effectAllowed = 'copy';
  };

  const addAtCentre = (type: string) => {
    const pane = document.querySelector('.canvas')?.getBoundingClientRect();
    const screen = pane
      ? { x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 }
      : { x: 400, y: 300 };
    const p = flow.screenToFlowPosition(screen);
    editorActions.addNode(type, { x: p.x - 80, y: p.y - 36 });
  };

  return (
    <aside className="palette" aria-label="Layers">
      <div className="panel-title">Layers</div>
      <input
        className="search"
        type="search"
        placeholder="Search layers…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="palette-search"
      />
      <div className="palette-list">
        {groups.map(([category, defs]) => (
          <section key={category} className="palette-group">
            <h3>{category}</h3>
            {defs.map((def) => (
              <div
                key={def.type}
                className={`palette-item cat-${def.category.toLowerCase()}${category === 'My blocks' ? ' own-block' : ''}`}
                draggable
                onDragStart={(e) => onDragStart(e, def.type)}
                onDoubleClick={() => addAtCentre(def.type)}
                title={def.doc}
                data-testid={`palette-item-${def.type}`}
              >
                <span className="swatch" />
                <span className="palette-label">{def.label}</span>
                <span className="palette-doc">{def.doc}</span>
              </div>
            ))}
          </section>
        ))}
        {groups.length === 0 && <p className="muted">No layer matches “{query}”.</p>}
      </div>
    </aside>
  );
}
