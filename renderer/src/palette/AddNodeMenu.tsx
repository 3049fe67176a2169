/**
 * Search-to-add: a small menu at the pointer (double-click on the canvas, `/`, or a link
 * dropped on empty canvas). After a dropped link it lists only the types that fit and
 * connects the new node.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { nodeTypes } from '../../../engine/nodes/registry';
import { editorActions, editorStore, safeAnalyze } from '../store/editor-store';
import { fittingTypes } from '../store/fitting';
import { useUi } from '../ui/ui-store';
import { rankByQuery } from './search';
import { useUserBlockTypes } from './user-block-entries';

export function AddNodeMenu() {
  const menu = useUi((s) => s.addMenu);
  const close = () => useUi.getState().openAddMenu(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  const userTypes = useUserBlockTypes();
  const candidates = useMemo(
    () =>
      menu?.from
        ? fittingTypes(editorStore.getState().doc, menu.from, safeAnalyze)
        : [...nodeTypes, ...userTypes],
    [menu, userTypes],
  );
  const shown = useMemo(() => rankByQuery(candidates, query), [candidates, query]);

  useEffect(() => {
    setQuery('');
    setActive(0);
    if (menu) setTimeout(() => input.current?.focus(), 0);
  }, [menu]);

  if (!menu) return null;

  const choose = (type: string) => {
    close();
    if (menu.from) {
      const problem = editorActions.addNodeLinked(type, menu.position, menu.from);
      if (problem) useUi.getState().toast(problem, 'error');
    } else editorActions.addNode(type, menu.position);
  };

  const left = Math.min(menu.screen.x, window.innerWidth - 300);
  const top = Math.min(menu.screen.y, window.innerHeight - 360);
  return (
    <>
      <div className="menu-backdrop" onMouseDown={close} />
      <div
        className="add-menu"
        style={{ left, top }}
        data-testid="add-menu"
        role="dialog"
        aria-label="Add a layer"
      >
        <input
          ref={input}
          className="search"
          placeholder={menu.from ? 'Layers that fit here…' : 'Add a layer…'}
          value={query}
          data-testid="add-menu-search"
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
            else if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, shown.length - 1));
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
            else if (e.key === 'Enter' && shown[active]) choose(shown[active].type);
            else return;
            e.preventDefault();
          }}
        />
        <ul>
          {shown.map((def, i) => (
            <li
              key={def.type}
              className={i === active ? 'active' : undefined}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(def.type);
              }}
              data-testid={`add-menu-item-${def.type}`}
              title={def.doc}
            >
              <span>{def.label}</span>
              <span className="muted">{def.category}</span>
            </li>
          ))}
          {shown.length === 0 && (
            <li className="muted">{menu.from ? 'No layer fits this link.' : 'No match.'}</li>
          )}
        </ul>
      </div>
    </>
  );
}
