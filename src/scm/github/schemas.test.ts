import { describe, expect, it } from 'vitest';
import { ScmError } from '../errors.js';
import { idOf, parseGitHub, repositorySchema } from './schemas.js';

describe('GitHub ids', () => {
  it.each([
    [7001, '7001'],
    ['7001', '7001'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    // Octokit parses integers past 2^53 as bigint: they arrive whole and stay whole.
    [9007199254740993n, '9007199254740993'],
  ])('%s is the integer string %s', (value, id) => {
    expect(idOf(value, 'repository')).toBe(id);
  });

  it.each([[0], [-1], [1.5], [2 ** 53 + 2], ['007'], ['1e3'], [''], [0n], [10n ** 20n], [null]])(
    '%s is refused, never coerced',
    (value) => {
      expect(() => idOf(value, 'repository')).toThrow(ScmError);
    },
  );

  it('reads a repository whose id came as a bigint', () => {
    const repo = parseGitHub(
      repositorySchema,
      {
        id: 9007199254740993n,
        name: 'r',
        full_name: 'o/r',
        private: false,
        html_url: 'https://github.com/o/r',
      },
      'repository',
    );
    expect(idOf(repo.id, 'repository')).toBe('9007199254740993');
  });
});
