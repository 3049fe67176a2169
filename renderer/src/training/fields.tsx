/**
 * Form fields of the training settings. Number fields keep what is typed locally and commit
 * on Enter or when focus leaves (so one edit is one undo step, not one per keystroke); a
 * value that does not parse stays in the field with the reason beside it.
 */
import { useEffect, useState, type ReactNode } from 'react';

export type Parse = (text: string) => { ok: true; value: number } | { ok: false; error: string };

/** A number parser with bounds; `integer` refuses decimals. Messages quote the text. */
export function numberParser(
  label: string,
  options: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean },
): Parse {
  return (text) => {
    const trimmed = text.trim();
    const value = Number(trimmed);
    if (trimmed === '' || !Number.isFinite(value))
      return { ok: false, error: `${label} must be a number, got "${text}"` };
    if (options.integer && !Number.isInteger(value))
      return { ok: false, error: `${label} must be a whole number, got "${text}"` };
    if (options.min !== undefined && (options.exclusiveMin ? value <= options.min : value < options.min)) {
      return {
        ok: false,
        error: `${label} must be ${options.exclusiveMin ? '>' : '≥'} ${options.min}, got ${trimmed}`,
      };
    }
    if (options.max !== undefined && value > options.max)
      return { ok: false, error: `${label} must be ≤ ${options.max}, got ${trimmed}` };
    return { ok: true, value };
  };
}

export function Field({
  label,
  children,
  hint,
  wide,
}: {
  label: string;
  children: ReactNode;
  hint?: string;
  /** Takes the settings grid's whole row (for controls whose text would not fit half of it). */
  wide?: boolean;
}) {
  return (
    <label className="train-field" title={hint} style={wide ? { gridColumn: '1 / -1' } : undefined}>
      <span className="train-field-label">{label}</span>
      {children}
    </label>
  );
}

export function NumberField({
  label,
  testId,
  value,
  parse,
  onCommit,
  placeholder,
  hint,
  disabled,
}: {
  label: string;
  testId: string;
  value: number | null;
  parse: Parse;
  onCommit(value: number | null): void;
  placeholder?: string;
  hint?: string;
  disabled?: boolean;
}) {
  const shown = value === null ? '' : String(value);
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(shown);
    setError(null);
  }, [shown]);

  const commit = () => {
    if (text.trim() === '' && placeholder !== undefined) {
      setError(null);
      if (value !== null) onCommit(null);
      return;
    }
    const parsed = parse(text);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError(null);
    if (parsed.value !== value) onCommit(parsed.value);
  };

  return (
    <Field label={label} {...(hint ? { hint } : {})}>
      <input
        className={error ? 'invalid' : undefined}
        data-testid={testId}
        inputMode="decimal"
        value={text}
        placeholder={placeholder}
        disabled={disabled}
        aria-invalid={error !== null}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setText(shown);
            setError(null);
          }
        }}
      />
      {error && (
        <span className="train-field-error" data-testid={`${testId}-error`}>
          {error}
        </span>
      )}
    </Field>
  );
}

/**
 * The longest option label a select shows whole in half the settings grid (the panel's
 * narrowest width); a select with a longer one takes the whole row, so no label is cut off
 * (e.g. "TensorFlow.js (engine)", "WebGL (window)").
 */
const HALF_ROW_CHARACTERS = 10;

export function SelectField<T extends string>({
  label,
  testId,
  value,
  options,
  onChange,
  disabled,
}: {
  label: string;
  testId: string;
  value: T;
  options: ReadonlyArray<readonly [T, string]>;
  onChange(value: T): void;
  disabled?: boolean;
}) {
  return (
    <Field label={label} wide={options.some(([, name]) => name.length > HALF_ROW_CHARACTERS)}>
      <select
        data-testid={testId}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value as T)}
      >
        {options.map(([id, name]) => (
          <option key={id} value={id}>
            {name}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function CheckField({
  label,
  testId,
  checked,
  onChange,
  hint,
}: {
  label: string;
  testId: string;
  checked: boolean;
  onChange(checked: boolean): void;
  hint?: string;
}) {
  return (
    <label className="train-check" title={hint}>
      <input
        type="checkbox"
        data-testid={testId}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      {label}
    </label>
  );
}
