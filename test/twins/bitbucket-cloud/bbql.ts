import { bbError } from './auth.js';

/** One `field = "value"` (or `!=`) term of a query. */
export interface BbqlTerm {
  readonly field: string;
  readonly negated: boolean;
  readonly value: string;
}

/**
 * The part of Bitbucket's query language ("Filtering and sorting", Intro) the twin understands: terms
 * `field = "string"` or `field != "string"` joined by `AND`. Strings are in double quotes; a backslash escapes
 * the next character (`\"`, `\\`), as Atlassian support told a client author (MitjaBezensek/SharpBucket pull
 * request 96). Anything else is refused with 400, so a client that quotes badly is seen failing.
 */
export function parseBbql(query: string, fields: readonly string[]): BbqlTerm[] {
  const terms: BbqlTerm[] = [];
  let at = 0;
  const fail = (): never => {
    throw bbError(400, `Invalid filter query at position ${at}.`);
  };
  const skipSpace = () => {
    while (query[at] === ' ') at += 1;
  };
  for (;;) {
    skipSpace();
    const field = /^[a-z_][a-z_.]*/.exec(query.slice(at))?.[0] ?? fail();
    if (!fields.includes(field)) fail();
    at += field.length;
    skipSpace();
    const negated = query.startsWith('!=', at);
    if (negated) at += 2;
    else if (query[at] === '=') at += 1;
    else fail();
    skipSpace();
    if (query[at] !== '"') fail();
    at += 1;
    let value = '';
    for (;;) {
      const char = query[at];
      if (char === undefined) fail();
      at += 1;
      if (char === '"') break;
      if (char === '\\') {
        const escaped = query[at];
        if (escaped === undefined) fail();
        value += escaped;
        at += 1;
      } else value += char;
    }
    terms.push({ field, negated, value });
    skipSpace();
    if (at === query.length) return terms;
    if (!/^AND /i.test(query.slice(at))) fail();
    at += 4;
  }
}

/** Whether `values` (field → the record's value) satisfies every term. */
export const bbqlMatches = (terms: readonly BbqlTerm[], values: Readonly<Record<string, string>>): boolean =>
  terms.every((term) => (values[term.field] === term.value) !== term.negated);
