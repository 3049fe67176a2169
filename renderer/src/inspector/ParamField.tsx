/**
 * One typed inspector field. The text typed is kept as a draft and checked on every
 * keystroke; a valid value is committed at once (typing into one field is one undo step),
 * an invalid one stays in the field with the reason next to it.
 */
import { useEffect, useState } from 'react';
import type { ParamValue } from '../../../engine/graph/document';
import type { ParamSpec } from '../../../engine/nodes/types';
import { paramText, parseParam } from './param-input';

interface Props {
  spec: ParamSpec;
  /** The value shown; `undefined` when a multi-selection disagrees ("mixed"). */
  value: ParamValue | undefined;
  /** An error the analysis reports for this param, shown when the draft itself is fine. */
  issue?: string;
  onCommit(value: ParamValue): void;
  /** Prefix of the field's id and test id (`param-` in the inspector); unique per form. */
  idPrefix?: string;
}

export function ParamField({ spec, value, issue, onCommit, idPrefix = 'param-' }: Props) {
  const [draft, setDraft] = useState(() => paramText(value));
  const [pair, setPair] = useState<[string, string]>(() => pairText(value));
  const [error, setError] = useState<string | null>(null);

  // A change from elsewhere (undo, another node selected) replaces the draft.
  useEffect(() => {
    setDraft(paramText(value));
    setPair(pairText(value));
    setError(null);
  }, [value]);

  const commitText = (text: string | [string, string]) => {
    const result = parseParam(spec, text);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    onCommit(result.value);
  };

  const id = `${idPrefix}${spec.name}`;
  const message = error ?? issue;
  let control;
  switch (spec.kind) {
    case 'bool':
      control = (
        <input
          id={id}
          type="checkbox"
          data-testid={id}
          checked={value === true}
          ref={(el) => {
            if (el) el.indeterminate = value === undefined;
          }}
          onChange={(e) => onCommit(e.target.checked)}
        />
      );
      break;
    case 'choice':
      control = (
        <select
          id={id}
          data-testid={id}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => commitText(e.target.value)}
        >
          {value === undefined && <option value="">mixed</option>}
          {spec.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case 'padding': {
      const mode = draft === 'same' || draft === 'valid' ? draft : 'pixels';
      control = (
        <div className="field-row" data-testid={id}>
          <select
            aria-label={`${spec.label} mode`}
            data-testid={`${id}-mode`}
            value={mode}
            onChange={(e) => {
              const next = e.target.value === 'pixels' ? '0' : e.target.value;
              setDraft(next);
              commitText(next);
            }}
          >
            <option value="pixels">pixels</option>
            <option value="same">same</option>
            <option value="valid">valid</option>
          </select>
          {mode === 'pixels' && (
            <input
              aria-label={`${spec.label} pixels`}
              data-testid={`${id}-pixels`}
              inputMode="numeric"
              value={draft}
              placeholder={value === undefined ? 'mixed' : undefined}
              aria-invalid={Boolean(error)}
              onChange={(e) => {
                setDraft(e.target.value);
                commitText(e.target.value);
              }}
            />
          )}
        </div>
      );
      break;
    }
    case 'intPair':
      control = (
        <div className="field-row" data-testid={id}>
          {[0, 1].map((i) => (
            <input
              key={i}
              aria-label={`${spec.label} ${i === 0 ? 'first' : 'second'}`}
              data-testid={`${id}-${i}`}
              inputMode="numeric"
              value={pair[i]}
              placeholder={value === undefined ? 'mixed' : undefined}
              aria-invalid={Boolean(error)}
              onChange={(e) => {
                const next: [string, string] =
                  i === 0 ? [e.target.value, pair[1]] : [pair[0], e.target.value];
                setPair(next);
                commitText(next);
              }}
            />
          ))}
        </div>
      );
      break;
    default:
      control = (
        <input
          id={id}
          data-testid={id}
          inputMode={spec.kind === 'int' ? 'numeric' : spec.kind === 'size' ? 'text' : 'decimal'}
          value={draft}
          placeholder={value === undefined ? 'mixed' : undefined}
          aria-invalid={Boolean(error)}
          onChange={(e) => {
            setDraft(e.target.value);
            commitText(e.target.value);
          }}
        />
      );
  }

  return (
    <div className={message ? 'field invalid' : 'field'}>
      <label htmlFor={id} title={spec.doc}>
        {spec.label}
      </label>
      {control}
      {message && (
        <div className="field-error" data-testid={`${id}-error`}>
          {message}
        </div>
      )}
    </div>
  );
}

function pairText(value: ParamValue | undefined): [string, string] {
  return Array.isArray(value) ? [String(value[0] ?? ''), String(value[1] ?? '')] : ['', ''];
}
