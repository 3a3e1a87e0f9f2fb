import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http.js';
import { refusalOf } from './api-refusal.js';
import type { FormRules } from './field-rules.js';

const rules: FormRules = {
  organization: { name: 'Organization', missing: 'enter it' },
  baseUrl: { name: 'URL', missing: 'enter it' },
};
const codeFields = { ssrf_blocked: 'baseUrl', not_github_enterprise: 'baseUrl', other: 'token' };

describe('refusalOf', () => {
  it.each([
    [
      'an issue of a 400 goes next to its field',
      new ApiError(400, 'validation_failed', 'invalid', [
        { path: 'body.organization', message: 'must be x' },
      ]),
      { fields: { organization: 'Organization: must be x' }, form: null },
    ],
    [
      'a code that names a field of the form goes next to it',
      new ApiError(400, 'ssrf_blocked', 'Connections to 10.0.0.8 are not allowed from this server.'),
      { fields: { baseUrl: 'URL: Connections to 10.0.0.8 are not allowed from this server.' }, form: null },
    ],
    [
      'a code whose field the form lacks stays with the form',
      new ApiError(422, 'other', 'The token was refused.'),
      { fields: {}, form: 'The token was refused.' },
    ],
    [
      'any other code stays with the form',
      new ApiError(409, 'duplicate_connection', 'acme is already connected.'),
      { fields: {}, form: 'acme is already connected.' },
    ],
    ['something that is not an Error gives the fallback', 'boom', { fields: {}, form: 'Could not connect.' }],
  ] as const)('%s', (_what, error, refusal) => {
    expect(refusalOf(error, rules, 'Could not connect.', codeFields)).toEqual(refusal);
  });

  it('places nothing by code without a map', () => {
    expect(refusalOf(new ApiError(400, 'ssrf_blocked', 'blocked'), rules, 'fallback')).toEqual({
      fields: {},
      form: 'blocked',
    });
  });
});
