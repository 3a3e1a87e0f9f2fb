import { describe, expect, it } from 'vitest';
import { connectionRules } from '../settings/connection-rules.js';
import { accountRules } from './account-rules.js';
import { checkField, checkForm, hasErrors, sentValue } from './field-rules.js';

describe('checkField', () => {
  it.each([
    [accountRules.accountName, '', 'Account name: enter a name for the account, e.g. Acme Security'],
    [accountRules.accountName, '   ', 'Account name: enter a name for the account, e.g. Acme Security'],
    [accountRules.accountName, 'x'.repeat(101), 'Account name: use at most 100 characters'],
    [accountRules.accountName, ` ${'x'.repeat(100)} `, undefined],
    [
      accountRules.accountName,
      'Ac\u200bme',
      'Account name: remove the invisible characters (control, bidirectional or zero-width)',
    ],
    [accountRules.newPassword, 'short', 'Password: use at least 10 characters'],
    [accountRules.newPassword, '  short   ', undefined],
    [connectionRules('gitlab').group!, '', "Group: enter the group's path, e.g. acme"],
    [
      connectionRules('gitlab').group!,
      'bad group',
      expect.stringMatching(/^Group: enter the group's path as in its address/),
    ],
    [connectionRules('bitbucket-cloud').email!, '', undefined],
    [
      connectionRules('bitbucket-cloud').email!,
      'ada',
      'Atlassian account email: enter an email address such as ada@example.com',
    ],
  ] as const)('%o %j → %s', (rule, value, message) => {
    expect(checkField(rule, value)).toEqual(message);
  });
});

describe('checkForm', () => {
  it('names every refused field at once, in the order of the form', () => {
    const errors = checkForm(connectionRules('gitlab-self-managed'), {
      token: 'has space',
      baseUrl: 'gitlab.example.com',
      group: '',
    });
    expect(Object.keys(errors)).toEqual(['token', 'baseUrl', 'group']);
    expect(hasErrors(errors)).toBe(true);
    expect(errors.baseUrl).toMatch(/^URL: enter the address of the instance, starting with https:\/\//);
  });

  it('passes a complete form, optional fields left empty', () => {
    const errors = checkForm(connectionRules('bitbucket-cloud'), { workspace: 'acme', token: 'bbwat' });
    expect(errors).toEqual({});
    expect(hasErrors(errors)).toBe(false);
  });

  it('sends trimmed values, passwords as typed', () => {
    expect(sentValue(accountRules.accountName, '  Acme ')).toBe('Acme');
    expect(sentValue(accountRules.password, ' pass word ')).toBe(' pass word ');
  });
});
