import { displayNameRule, emailRule, type FieldRule } from './field-rules.js';

/** The fields about people and accounts, in the API's limits (`src/core/fields.ts`). */
export const accountRules = {
  personName: displayNameRule('Name', 'enter your name as colleagues know it, e.g. Ada Lovelace'),
  accountName: displayNameRule('Account name', 'enter a name for the account, e.g. Acme Security'),
  tokenName: displayNameRule('Token name', 'enter a name that says where the token is used, e.g. CI upload'),
  email: emailRule(),
  newPassword: {
    name: 'Password',
    missing: 'choose a password of at least 10 characters',
    minLength: 10,
    maxLength: 1024,
    keepSpaces: true,
    hint: 'At least 10 characters (up to 1024). A few unrelated words are long and easy to remember.',
  },
  password: { name: 'Password', missing: 'enter your password', maxLength: 1024, keepSpaces: true },
} as const satisfies Readonly<Record<string, FieldRule>>;
