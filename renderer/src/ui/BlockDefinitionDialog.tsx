/**
 * The editor of a block definition: its name and the fixed params of its inner layers.
 * Saving changes every instance at once, as one undo step (and the library's copy, when the
 * library holds this block).
 */
import { useMemo, useState } from 'react';
import type { Params, ParamValue } from '../../../engine/graph/document';
import { defaultParams } from '../../../engine/nodes/params';
import { getNodeType } from '../../../engine/nodes/registry';
import type { ExposedParam, UserBlockDefinition } from '../../../engine/nodes/user-block';
import { ParamField } from '../inspector/ParamField';
import { libraryDefinition, removeFromLibrary, saveToLibrary, useBlockLibrary } from '../store/block-library';
import { editorActions, useEditor } from '../store/editor-store';
import { definitionIn, definitionProblems } from '../store/user-blocks';
import { closeBlockDialogs, useBlockDialogs } from './block-dialogs';
import { exposedTexts, parseExposed, type ExposedTexts } from './exposed-param-input';
import { Modal } from './Modal';
import { useUi } from './ui-store';
import './user-blocks.css';

export function BlockDefinitionDialog() {
  const type = useBlockDialogs((s) => s.editing);
  const definition = useEditor((s) => (type ? definitionIn(s.doc, type) : undefined));
  if (!type || !definition) return null;
  return <DefinitionForm key={type} definition={definition} />;
}

function DefinitionForm({ definition }: { definition: UserBlockDefinition }) {
  const [label, setLabel] = useState(definition.label);
  const [params, setParams] = useState<Record<string, Params>>(() =>
    Object.fromEntries(definition.nodes.map((n) => [n.id, n.params])),
  );
  const [exposed, setExposed] = useState<Record<string, ExposedTexts>>(() =>
    Object.fromEntries(definition.params.map((p) => [p.name, exposedTexts(p.default, p.min, p.max)])),
  );
  const inLibrary = useBlockLibrary((s) => s.definitions.some((d) => d.type === definition.type));
  const instances = useEditor((s) => s.doc.nodes.filter((n) => n.type === definition.type).length);

  const { edited, problems } = useMemo(() => {
    const typed: string[] = [];
    const blockParams = definition.params.map((param): ExposedParam => {
      const target = param.targets[0];
      const node = definition.nodes.find((n) => n.id === target?.node);
      const spec = node ? getNodeType(node.type)?.params.find((p) => p.name === target.param) : undefined;
      if (!spec) return param;
      const values = parseExposed(spec, param.label, exposed[param.name]);
      if ('problem' in values) {
        typed.push(values.problem);
        return param;
      }
      const { min: _min, max: _max, ...rest } = param;
      return { ...rest, ...values };
    });
    const next: UserBlockDefinition = {
      ...definition,
      label: label.trim(),
      params: blockParams,
      nodes: definition.nodes.map((n) => ({ ...n, params: params[n.id] })),
    };
    return { edited: next, problems: [...typed, ...definitionProblems(next)] };
  }, [definition, label, params, exposed]);
  const exposedAs = (node: string, param: string) =>
    definition.params.find((p) => p.targets.some((t) => t.node === node && t.param === param))?.name;

  const save = () => {
    if (problems.length > 0) return;
    editorActions.updateBlockDefinition(edited);
    closeBlockDialogs();
    if (libraryDefinition(edited.type))
      void saveToLibrary(edited).then((problem) => problem && useUi.getState().toast(problem, 'error'));
  };

  return (
    <Modal
      title={`Block “${definition.label}”`}
      onClose={closeBlockDialogs}
      testId="block-definition-dialog"
      wide
    >
      <p className="muted small">
        Changes apply to every use of this block ({instances} in this model) as one step you can undo.
      </p>
      <div className="field">
        <label htmlFor="block-definition-name">Name</label>
        <input
          id="block-definition-name"
          data-testid="block-definition-name"
          value={label}
          onChange={(e) => setLabel(e.target.value)}
        />
      </div>
      {definition.params.length > 0 && (
        <fieldset className="expose-params">
          <legend>Parameters of the block (each use sets its own; these are the default and bounds)</legend>
          <table>
            <thead>
              <tr>
                <th scope="col">Parameter</th>
                <th scope="col">Default</th>
                <th scope="col">Lowest</th>
                <th scope="col">Highest</th>
              </tr>
            </thead>
            <tbody>
              {definition.params.map((param) => {
                const texts = exposed[param.name];
                const field = (key: keyof ExposedTexts, what: string) => (
                  <input
                    aria-label={`${param.label}: ${what}`}
                    data-testid={`definition-param-${param.name}-${what.split(' ')[0]}`}
                    value={texts[key]}
                    onChange={(e) =>
                      setExposed((current) => ({
                        ...current,
                        [param.name]: { ...current[param.name], [key]: e.target.value },
                      }))
                    }
                  />
                );
                return (
                  <tr key={param.name}>
                    <td>
                      {param.label} <span className="muted small">({param.name})</span>
                    </td>
                    <td>{field('defaultText', 'default')}</td>
                    <td>{field('minText', 'lowest value')}</td>
                    <td>{field('maxText', 'highest value')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </fieldset>
      )}
      {definition.nodes.map((node) => {
        const def = getNodeType(node.type);
        if (!def) return null;
        const values = { ...defaultParams(node.type), ...params[node.id] };
        return (
          <section key={node.id} className="definition-layer" aria-label={`Layer ${node.id}`}>
            <h3>
              {node.label ?? node.id} · {def.label}
            </h3>
            {def.params.map((spec) => {
              const exposed = exposedAs(node.id, spec.name);
              if (exposed)
                return (
                  <p key={spec.name} className="exposed-note">
                    {spec.label}: set on each use (block parameter “{exposed}”)
                  </p>
                );
              return (
                <ParamField
                  key={spec.name}
                  idPrefix={`definition-${node.id}-`}
                  spec={spec}
                  value={values[spec.name]}
                  onCommit={(value: ParamValue) =>
                    setParams((current) => ({
                      ...current,
                      [node.id]: { ...current[node.id], [spec.name]: value },
                    }))
                  }
                />
              );
            })}
          </section>
        );
      })}
      {problems.length > 0 && (
        <ul className="issues compact">
          {problems.map((problem) => (
            <li key={problem} className="error">
              {problem}
            </li>
          ))}
        </ul>
      )}
      <div className="dialog-actions">
        {inLibrary && (
          <button
            type="button"
            className="align-start"
            data-testid="block-definition-forget"
            title="Other projects no longer offer it; this project keeps its copy"
            onClick={() =>
              void removeFromLibrary(definition.type).then((problem) =>
                useUi
                  .getState()
                  .toast(
                    problem ?? `“${definition.label}” is no longer in your library.`,
                    problem ? 'error' : 'info',
                  ),
              )
            }
          >
            Remove from my library
          </button>
        )}
        <button type="button" onClick={closeBlockDialogs}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          data-testid="block-definition-save"
          disabled={problems.length > 0}
          onClick={save}
        >
          Update every use
        </button>
      </div>
    </Modal>
  );
}
