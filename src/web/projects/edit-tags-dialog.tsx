import type { Repository } from '../api/schemas.js';
import { TextField } from '../components/fields.js';
import { FormDialog } from '../components/form-dialog.js';
import { FormError } from '../components/form-error.js';
import type { FieldRule } from '../forms/field-rules.js';
import { useForm } from '../forms/use-form.js';
import { parseTags, tagsHint } from './tag-rules.js';

const rules = {
  tags: {
    name: 'Tags',
    optional: true,
    missing: 'enter tags, e.g. pci team:payments',
    format: {
      test: (value) => parseTags(value).ok,
      message: 'check the tags',
    },
    hint: tagsHint,
  },
} satisfies Readonly<Record<string, FieldRule>>;

/** Why the tags are refused, as the field shows it (the rule's own message is too vague to act on). */
const tagsError = (value: string | undefined, error: string | undefined): string | undefined => {
  if (!error) return undefined;
  const parsed = parseTags(value ?? '');
  return parsed.ok ? error : `Tags: ${parsed.message}`;
};

export interface EditTagsDialogProps {
  readonly repository: Repository;
  readonly save: (tags: readonly string[]) => Promise<void>;
  readonly onClose: () => void;
}

/** An admin's tags for a repository; they filter the Projects and Findings pages. */
export const EditTagsDialog = ({ repository, save, onClose }: EditTagsDialogProps) => {
  const form = useForm(
    rules,
    { tags: (repository.tags ?? []).join(', ') },
    async ({ tags = '' }) => {
      const parsed = parseTags(tags);
      if (!parsed.ok) throw new Error(`Tags: ${parsed.message}`);
      await save(parsed.tags);
      onClose();
    },
    'Could not save the tags.',
  );
  const field = form.field('tags');
  return (
    <FormDialog
      title={`Tags of ${repository.fullName}`}
      onClose={onClose}
      form={form}
      submitLabel="Save tags"
      busyLabel="Saving…"
    >
      <TextField
        label="Tags"
        autoComplete="off"
        spellCheck={false}
        placeholder="e.g. pci, team:payments"
        {...field}
        error={tagsError(field.value, field.error)}
      />
      <FormError message={form.error} />
    </FormDialog>
  );
};
