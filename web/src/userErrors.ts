// userErrors name the input field they are about ("title", "rate.amount", "workDates[2]",
// "talentId"). A form shows each next to its field; the rest (no field, or one the form does not
// have) go to the form's own message.

export interface UserErrorLike {
  field: string | null;
  message: string;
  code?: string;
}

export interface FieldErrors {
  byField: Record<string, string[]>;
  form: string[];
}

export const NO_ERRORS: FieldErrors = { byField: {}, form: [] };

/** The form field an error belongs to: itself, else without a trailing index ("workDates[2]",
 *  "workDates.2" -> "workDates"), else the nearest parent path the form has; null if none. */
export function fieldFor(field: string | null, fields: readonly string[]): string | null {
  if (!field) return null;
  if (fields.includes(field)) return field;
  let path = field.replace(/\[\d+\]$/, '').replace(/\.\d+$/, '');
  if (fields.includes(path)) return path;
  while (path.includes('.')) {
    path = path.slice(0, path.lastIndexOf('.'));
    if (fields.includes(path)) return path;
  }
  return null;
}

export function groupErrors(errors: readonly UserErrorLike[], fields: readonly string[]): FieldErrors {
  const out: FieldErrors = { byField: {}, form: [] };
  for (const e of errors) {
    const target = fieldFor(e.field, fields);
    const text = target === e.field || !e.field ? e.message : `${e.field}: ${e.message}`;
    if (target) (out.byField[target] ??= []).push(text);
    else out.form.push(e.field ? `${e.field}: ${e.message}` : e.message);
  }
  return out;
}

/** A GraphQL or network error (urql's CombinedError) as one sentence for the form. */
export function describeError(error: { graphQLErrors?: readonly { message: string }[]; networkError?: Error; message: string }): string {
  if (error.graphQLErrors?.length) return error.graphQLErrors.map((e) => e.message).join('; ');
  if (error.networkError) return `Network error: ${error.networkError.message}`;
  return error.message;
}

/** Decimal text as shown to people: "1200.5" USD -> "$1,200.50". */
export function formatMoney(amount: string, currency: string): string {
  const n = Number(amount);
  if (!Number.isFinite(n)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency}`;
  }
}

/** "2026-05-01, 2026-05-02 2026-05-03" -> ["2026-05-01", "2026-05-02", "2026-05-03"]. */
export function splitDates(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((d) => d.trim())
    .filter(Boolean);
}

/** A mutation's outcome as errors by field: its transport or GraphQL error, else the userErrors of
 *  its payload `data[key]` grouped over the form's fields; null when it succeeded. */
export function mutationErrors(
  result: { error?: { graphQLErrors?: readonly { message: string }[]; networkError?: Error; message: string } | undefined; data?: unknown },
  key: string,
  fields: readonly string[] = [],
): FieldErrors | null {
  if (result.error) return { byField: {}, form: [describeError(result.error)] };
  const payload = (result.data as Record<string, { userErrors?: readonly UserErrorLike[] } | null> | null | undefined)?.[key];
  if (payload?.userErrors?.length) return groupErrors(payload.userErrors, fields);
  return null;
}
