import type { InputHTMLAttributes } from 'react';

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> & {
  label: string;
  value: string;
  onValue: (value: string) => void;
  hint?: string;
};

/** A labelled text input (the label names it for screen readers and tests) with an optional hint. */
export function Field({ label, value, onValue, hint, required = true, ...input }: FieldProps) {
  return (
    <label>
      {label}
      <input required={required} value={value} onChange={(e) => onValue(e.target.value)} {...input} />
      {hint && <span className="hint">{hint}</span>}
    </label>
  );
}
