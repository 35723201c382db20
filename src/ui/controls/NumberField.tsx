import { useId, useState } from 'react';

interface Props {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  integer?: boolean;
  disabled?: boolean;
  onChange(v: number): void;
}

/** A labelled spinbutton that only reports valid values and says what is wrong otherwise. */
export function NumberField({ label, value, min, max, step, integer, disabled, onChange }: Props) {
  const id = useId();
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? String(value);
  const v = Number(shown);
  const problem =
    shown.trim() === '' || !Number.isFinite(v)
      ? 'enter a number'
      : v < min || v > max
        ? `between ${min} and ${max}`
        : integer && !Number.isInteger(v)
          ? 'a whole number'
          : null;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        min={min}
        max={max}
        step={step}
        value={shown}
        disabled={disabled}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-err` : undefined}
        onChange={(e) => {
          const t = e.target.value;
          const n = Number(t);
          const ok =
            t.trim() !== '' &&
            Number.isFinite(n) &&
            n >= min &&
            n <= max &&
            (!integer || Number.isInteger(n));
          setText(ok ? null : t);
          if (ok) onChange(n);
        }}
        onBlur={() => setText(null)}
      />
      {problem && (
        <span className="field-error" id={`${id}-err`}>
          {problem}
        </span>
      )}
    </div>
  );
}
