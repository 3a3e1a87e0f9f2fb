import { useEffect, useRef, useState, type ChangeEvent, type FormEvent, type RefObject } from 'react';
import { refusalOf, type CodeFields } from './api-refusal.js';
import {
  checkForm,
  hasErrors,
  sentValue,
  type FieldErrors,
  type FormRules,
  type FormValues,
} from './field-rules.js';

/** What a field of the form needs: a `TextField` takes it as props. */
export interface FieldBinding {
  readonly name: string;
  readonly value: string;
  readonly onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => void;
  readonly error: string | undefined;
  readonly help: string | undefined;
}

export interface FormState {
  readonly values: FormValues;
  /** The message per refused field: the form's own checks after a submit, then what the API refused. */
  readonly errors: FieldErrors;
  /** A refusal that is about no single field (the SCM refused the token, the name is taken). */
  readonly error: string | null;
  readonly busy: boolean;
  readonly formRef: RefObject<HTMLFormElement | null>;
  set(id: string, value: string): void;
  field(id: string): FieldBinding;
  onSubmit(event: FormEvent<HTMLFormElement>): void;
}

export interface FormOptions {
  /** The form stays on screen for another submit: after a success it is emptied and idle again. */
  readonly reusable?: boolean;
  /** API error codes shown next to a field rather than under the form (an unreachable address → `baseUrl`). */
  readonly codeFields?: CodeFields;
}

const noServerErrors = { errors: {}, values: {} } as const;

/**
 * A form checked against `rules`: a submit with refused fields sends nothing, shows every refused field at once
 * and moves the focus to the first; from then on the messages follow what is typed. The API's refusal of a
 * field shows next to it until that field changes. `action` gets the values as they are to be sent (trimmed).
 */
export const useForm = (
  rules: FormRules,
  initial: FormValues,
  action: (values: FormValues) => Promise<void>,
  fallback: string,
  { reusable = false, codeFields }: FormOptions = {},
): FormState => {
  const [values, setValues] = useState<FormValues>(initial);
  const [submitted, setSubmitted] = useState(false);
  const [server, setServer] = useState<{ errors: FieldErrors; values: FormValues }>(noServerErrors);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (focusRequest > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequest]);

  const own = submitted ? checkForm(rules, values) : {};
  const errors: Record<string, string> = {};
  for (const id of Object.keys(rules)) {
    const message = own[id] ?? (server.values[id] === values[id] ? server.errors[id] : undefined);
    if (message) errors[id] = message;
  }

  const set = (id: string, value: string) => setValues((previous) => ({ ...previous, [id]: value }));

  const submit = async () => {
    setSubmitted(true);
    if (hasErrors(checkForm(rules, values))) {
      setError(null);
      setFocusRequest((count) => count + 1);
      return;
    }
    const sent: Record<string, string> = { ...values };
    for (const [id, rule] of Object.entries(rules)) sent[id] = sentValue(rule, values[id]);
    setBusy(true);
    setError(null);
    setServer(noServerErrors);
    try {
      await action(sent);
      if (reusable) {
        setValues(initial);
        setSubmitted(false);
        setBusy(false);
      }
    } catch (caught) {
      const refusal = refusalOf(caught, rules, fallback, codeFields);
      setServer({ errors: refusal.fields, values });
      setError(refusal.form);
      setBusy(false);
      if (hasErrors(refusal.fields)) setFocusRequest((count) => count + 1);
    }
  };

  return {
    values,
    errors,
    error,
    busy,
    formRef,
    set,
    field: (id) => ({
      name: id,
      value: values[id] ?? '',
      onChange: (event) => set(id, event.target.value),
      error: errors[id],
      help: rules[id]?.hint,
    }),
    onSubmit: (event) => {
      event.preventDefault();
      if (!busy) void submit();
    },
  };
};
