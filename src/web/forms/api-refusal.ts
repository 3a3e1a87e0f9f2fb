import { ApiError } from '../api/http.js';
import type { FieldErrors, FormRules } from './field-rules.js';

/** A refused submit: messages for the fields the API named, and what belongs to the form as a whole. */
export interface FormRefusal {
  readonly fields: FieldErrors;
  readonly form: string | null;
}

const bodyField = (path: string): string | undefined =>
  path.startsWith('body.') ? path.slice('body.'.length) : undefined;

/** Error codes that are about one field of the form (`ssrf_blocked` → `baseUrl`), by code. */
export type CodeFields = Readonly<Partial<Record<string, string>>>;

/**
 * Splits an error thrown by a submit: each issue of a 400 (`details.issues`, path `body.<field id>`) goes next
 * to its field, named as the form names it; an error whose code `codeFields` names a field of the form (an
 * address the server will not reach) goes next to that field; an issue about no field of the form, or any other
 * error without issues (a 422 from the SCM, a 409), stays a message of the whole form.
 */
export const refusalOf = (
  error: unknown,
  rules: FormRules,
  fallback: string,
  codeFields: CodeFields = {},
): FormRefusal => {
  if (!(error instanceof Error)) return { fields: {}, form: fallback };
  const issues = error instanceof ApiError ? error.issues : [];
  const codeField = error instanceof ApiError ? codeFields[error.code] : undefined;
  const codeRule = codeField === undefined ? undefined : rules[codeField];
  if (issues.length === 0 && codeField !== undefined && codeRule && error.message) {
    return { fields: { [codeField]: `${codeRule.name}: ${error.message}` }, form: null };
  }
  if (issues.length === 0) return { fields: {}, form: error.message || fallback };
  const fields: Record<string, string> = {};
  const unplaced: string[] = [];
  for (const issue of issues) {
    const id = bodyField(issue.path);
    const rule = id === undefined ? undefined : rules[id];
    if (id !== undefined && rule) fields[id] ??= `${rule.name}: ${issue.message}`;
    else unplaced.push(`${issue.path}: ${issue.message}`);
  }
  return { fields, form: unplaced.length > 0 ? unplaced.join(' ') : null };
};
