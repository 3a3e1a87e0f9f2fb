/**
 * What a form field accepts, in the limits the API applies to the same field, so a value is refused next to
 * its field before anything is sent, and every refused field is named at once.
 */
export interface FieldRule {
  /** How a message names the field: "Group", "Access token". */
  readonly name: string;
  /** Empty is fine (the field is left out of the request). */
  readonly optional?: boolean;
  /** What to type, said when a required field is empty: "enter the group's path, e.g. acme". */
  readonly missing: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** A value of the right length that must also pass `test`; `message` says what to change. */
  readonly format?: { readonly test: (value: string) => boolean; readonly message: string };
  /** Passwords keep surrounding spaces; everything else is checked (and sent) trimmed. */
  readonly keepSpaces?: boolean;
  /** The limits in words, shown under the field before anything is typed. */
  readonly hint?: string;
}

/** The rules of a form, by field id; a field id is the request body's key for it. */
export type FormRules = Readonly<Record<string, FieldRule>>;

/** A message per refused field id. */
export type FieldErrors = Readonly<Partial<Record<string, string>>>;

export type FormValues = Readonly<Record<string, string>>;

/** The value as it will be sent: trimmed unless the rule keeps spaces. */
export const sentValue = (rule: FieldRule, raw: string | undefined): string =>
  rule.keepSpaces ? (raw ?? '') : (raw ?? '').trim();

/** Why `raw` is refused, as a sentence that starts with the field's name, or undefined when it is fine. */
export const checkField = (rule: FieldRule, raw: string | undefined): string | undefined => {
  const value = sentValue(rule, raw);
  if (value === '') return rule.optional ? undefined : `${rule.name}: ${rule.missing}`;
  if (rule.maxLength !== undefined && value.length > rule.maxLength)
    return `${rule.name}: use at most ${rule.maxLength} characters`;
  if (rule.minLength !== undefined && value.length < rule.minLength)
    return `${rule.name}: use at least ${rule.minLength} characters`;
  if (rule.format && !rule.format.test(value)) return `${rule.name}: ${rule.format.message}`;
  return undefined;
};

/** Every refused field of the form at once. */
export const checkForm = (rules: FormRules, values: FormValues): FieldErrors => {
  const errors: Record<string, string> = {};
  for (const [id, rule] of Object.entries(rules)) {
    const error = checkField(rule, values[id]);
    if (error) errors[id] = error;
  }
  return errors;
};

export const hasErrors = (errors: FieldErrors): boolean => Object.values(errors).some(Boolean);

/** Letters, digits, spaces and punctuation: no control, bidirectional or zero-width characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
const invisible = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

/** A name people read (a person, an account, a token): at most `max` characters, nothing invisible. */
export const displayNameRule = (name: string, missing: string, max = 100): FieldRule => ({
  name,
  missing,
  maxLength: max,
  format: {
    test: (value) => !invisible.test(value),
    message: 'remove the invisible characters (control, bidirectional or zero-width)',
  },
  hint: `Up to ${max} characters.`,
});

/** Something@somewhere.tld, no spaces: the shape every mail address has. */
export const looksLikeEmail = (value: string): boolean => /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(value);

export const emailRule = (name = 'Email', optional = false): FieldRule => ({
  name,
  optional,
  missing: 'enter an email address, e.g. ada@example.com',
  maxLength: 254,
  format: { test: looksLikeEmail, message: 'enter an email address such as ada@example.com' },
  hint: 'An email address, up to 254 characters.',
});

/** A value copied from another service's console (an id, a secret): printable ASCII without spaces. */
export const copiedValueRule = (name: string, missing: string, optional = false): FieldRule => ({
  name,
  missing,
  optional,
  maxLength: 4096,
  format: {
    test: (value) => /^[\x21-\x7e]+$/.test(value),
    message: 'paste the value only, without spaces, line breaks or accented characters',
  },
});
