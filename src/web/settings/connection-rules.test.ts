import { describe, expect, it } from 'vitest';
import { checkField, checkForm } from '../forms/field-rules.js';
import { connectionRules } from './connection-rules.js';

describe('the GitHub Enterprise Server dialog', () => {
  const rules = connectionRules('github-enterprise');

  it('asks for the organization, the URL and an optional CA certificate, in that order', () => {
    expect(Object.keys(rules)).toEqual(['organization', 'baseUrl', 'caPem']);
    expect(checkForm(rules, { organization: 'acme', baseUrl: 'https://github.example.com' })).toEqual({});
  });

  it.each([
    [
      '',
      'Organization: enter the organization name as in https://github.example.com/{organization}, e.g. acme',
    ],
    ['acme', undefined],
    [' acme-labs ', undefined],
    ['x'.repeat(39), undefined],
    ['x'.repeat(40), 'Organization: use at most 39 characters'],
    ['-acme', expect.stringMatching(/^Organization: enter the organization name as in/)],
    ['acme--labs', expect.stringMatching(/single hyphens between them$/)],
    ['acme_labs', expect.stringMatching(/single hyphens between them$/)],
  ] as const)('organization %j → %s', (value, message) => {
    expect(checkField(rules.organization!, value)).toEqual(message);
  });

  it.each([
    [
      '',
      expect.stringMatching(/^URL: enter the address of the instance, e.g. https:\/\/github.example.com$/),
    ],
    ['https://github.example.com', undefined],
    ['github.example.com', expect.stringMatching(/starting with https:\/\//)],
  ] as const)('URL %j → %s', (value, message) => {
    expect(checkField(rules.baseUrl!, value)).toEqual(message);
  });
});
