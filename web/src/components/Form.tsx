// Form pieces: every input has a visible label, its userErrors right below it (linked with
// aria-describedby and aria-invalid), and a form-level message for the rest.
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';

type Common = { id: string; label: string; errors?: string[] | undefined; hint?: ReactNode };

function describedBy(id: string, errors?: string[], hint?: ReactNode): string | undefined {
  const ids = [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Extras({ id, errors, hint }: Omit<Common, 'label'>) {
  return (
    <>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {errors?.length ? (
        <p className="field-error" id={`${id}-error`}>
          {errors.join(' ')}
        </p>
      ) : null}
    </>
  );
}

export function TextField({ id, label, errors, hint, ...input }: Common & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(id, errors, hint)}
        {...input}
      />
      <Extras id={id} errors={errors} hint={hint} />
    </div>
  );
}

export function SelectField({
  id,
  label,
  errors,
  hint,
  options,
  ...select
}: Common & SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string }[] }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy(id, errors, hint)} {...select}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Extras id={id} errors={errors} hint={hint} />
    </div>
  );
}

export function FormMessage({ errors }: { errors: string[] }) {
  if (!errors.length) return null;
  return (
    <div className="form-error" role="alert">
      {errors.map((e) => (
        <p key={e}>{e}</p>
      ))}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status.replace(/_/g, ' ').toLowerCase()}</span>;
}
