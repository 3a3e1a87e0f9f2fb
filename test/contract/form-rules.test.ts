import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectBody } from '../../src/connections/input.js';
import { displayName, email, password } from '../../src/core/fields.js';
import { normalizeBaseUrl } from '../../src/scm/http/index.js';
import { accountRules } from '../../src/web/forms/account-rules.js';
import { checkField, sentValue, type FieldRule } from '../../src/web/forms/field-rules.js';
import { tokenKindIds, type FormKindId } from '../../src/web/settings/connection-input.js';
import { connectionRules } from '../../src/web/settings/connection-rules.js';
import { testCaPem } from '../twins/server/twin-server.js';

/**
 * The forms check what the API checks: for each field, values at and around every limit are accepted by the
 * form exactly when the API accepts them. A limit changed on one side only fails here.
 */

/** Every kind with a Connect form: the token kinds, and GitHub Enterprise Server's entry. */
const formKindIds: readonly FormKindId[] = [...tokenKindIds, 'github-enterprise'];

const validBody: Readonly<Record<FormKindId, Record<string, string>>> = {
  'github-enterprise': {
    kind: 'github-enterprise',
    organization: 'acme',
    baseUrl: 'https://ghe.example.com',
  },
  gitlab: { kind: 'gitlab', group: 'acme', token: 'glpat-x' },
  'gitlab-self-managed': {
    kind: 'gitlab-self-managed',
    baseUrl: 'https://gitlab.example.com',
    group: 'acme',
    token: 't',
  },
  'bitbucket-cloud': { kind: 'bitbucket-cloud', workspace: 'acme', token: 't' },
  'bitbucket-data-center': {
    kind: 'bitbucket-data-center',
    projectKey: 'SEC',
    baseUrl: 'https://bitbucket.example.com',
    token: 't',
  },
  'azure-devops': { kind: 'azure-devops', organization: 'contoso', token: 't' },
};

const samples: Readonly<Record<string, readonly string[]>> = {
  token: [
    '',
    'glpat-abc',
    'x'.repeat(4096),
    'x'.repeat(4097),
    'has space',
    'line\nbreak',
    'ünïcode',
    ' padded ',
  ],
  group: [
    '',
    'acme',
    'acme/platform',
    '_x.y-z',
    'x'.repeat(255),
    'x'.repeat(256),
    'bad group',
    '-dash',
    'a?b',
  ],
  workspace: ['', 'acme', 'Acme_1.x-y', 'x'.repeat(62), 'x'.repeat(63), 'has space', 'a/b'],
  projectKey: ['', 'SEC', 'sec_2', '~USER', 'x'.repeat(128), 'x'.repeat(129), '1ABC', 'A-B'],
  organization: [
    '',
    'contoso',
    'Contoso-2',
    'x'.repeat(39),
    'x'.repeat(40),
    'x'.repeat(50),
    'x'.repeat(51),
    '-x',
    'x-',
    'a--b',
    'a_b',
    'a.b',
  ],
  baseUrl: [
    '',
    'https://gitlab.example.com',
    'https://bb.example/bitbucket',
    'http://127.0.0.1:8080',
    `https://g.example/${'x'.repeat(2020)}`,
    `https://g.example/${'x'.repeat(2040)}`,
    'gitlab.example.com',
    'ftp://gitlab.example.com',
    'https://user:pw@gitlab.example.com',
    'https://gitlab.example.com/?x=1',
    'https://gitlab.example.com/#top',
    'https://gitlab example.com',
  ],
  email: ['', 'ada@example.com', 'ada', 'ada@', 'a b@example.com', `${'x'.repeat(243)}@example.com`],
  caPem: [
    '',
    testCaPem(),
    `${testCaPem()}\n${testCaPem()}`,
    'not a certificate',
    `junk before\n${testCaPem()}`,
  ],
};

/** Whether the API takes `value` for `field` of `kind`, with every other field valid. */
const apiAccepts = (kind: FormKindId, field: string, value: string): boolean => {
  // What the form sends: the trimmed value, an empty optional field left out.
  const omitted = value.trim() === '' && (field === 'email' || field === 'caPem');
  const body: Record<string, string> = Object.fromEntries(
    Object.entries({ ...validBody[kind], [field]: value.trim() }).filter(
      ([key]) => !(omitted && key === field),
    ),
  );
  const parsed = connectBody.safeParse(body);
  if (!parsed.success) return !parsed.error.issues.some((issue) => issue.path[0] === field);
  if (field === 'baseUrl') {
    try {
      normalizeBaseUrl(body.baseUrl!, { allowHttp: true });
    } catch {
      return false;
    }
  }
  return true;
};

describe('the Connect dialogs check what the API checks', () => {
  for (const kind of formKindIds) {
    const rules = connectionRules(kind);
    it.each(
      Object.keys(rules).flatMap((field) => (samples[field] ?? []).map((value) => [field, value] as const)),
    )(`${kind}: %s = %j`, (field, value) => {
      const formAccepts = checkField(rules[field]!, value) === undefined;
      expect(formAccepts).toBe(apiAccepts(kind, field, value));
    });
  }

  it('checks every field the API takes for each kind, and only those', () => {
    for (const kind of formKindIds) {
      const option = connectBody.options.find((candidate) => candidate.shape.kind.value === kind)!;
      const apiFields = Object.keys(option.shape).filter((key) => key !== 'kind' && key !== 'name');
      expect(Object.keys(connectionRules(kind)).sort()).toEqual(apiFields.sort());
    }
  });
});

describe('the account forms check what the API checks', () => {
  const cases: readonly [string, FieldRule, z.ZodType, readonly string[]][] = [
    [
      'a display name',
      accountRules.accountName,
      displayName(),
      ['', 'Acme', 'x'.repeat(100), 'x'.repeat(101), 'Ac\u200bme', 'Acme\u202egnp', 'new\nline', '  Acme  '],
    ],
    ['an email', accountRules.email, email, ['', 'ada@example.com', 'ada', `${'x'.repeat(243)}@example.com`]],
    [
      'a new password',
      accountRules.newPassword,
      password,
      ['', 'short', 'x'.repeat(10), ' '.repeat(10), 'x'.repeat(1024), 'x'.repeat(1025)],
    ],
  ];

  it.each(
    cases.flatMap(([what, rule, schema, values]) =>
      values.map((value) => [what, rule, schema, value] as const),
    ),
  )('%s: %j', (_what, rule, schema, value) => {
    const formAccepts = checkField(rule, value) === undefined;
    expect(formAccepts).toBe(schema.safeParse(sentValue(rule, value)).success);
  });
});
