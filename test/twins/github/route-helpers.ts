import { ghError, notFound, validationFailed } from './errors.js';
import type { GitHubState, PullRecord, RepoRecord } from './state.js';

/** A JSON request body as an object. */
export type Body = Record<string, unknown>;

/** GitHub's limit on comment bodies (characters). */
export const MAX_BODY = 65_536;

export function pullOf(state: GitHubState, repo: RepoRecord, number: string): PullRecord {
  const pull = state.pull(repo, Number(number));
  if (!pull) throw notFound('https://docs.github.com/rest/pulls/pulls#get-a-pull-request');
  return pull;
}

/** A comment body, or GitHub's 422 when it is missing or longer than 65,536 characters. */
export function checkBody(body: unknown, resource: string): string {
  if (typeof body !== 'string' || body.length === 0) {
    throw validationFailed([{ resource, code: 'missing_field', field: 'body' }]);
  }
  if (body.length > MAX_BODY) {
    throw validationFailed([
      {
        resource,
        code: 'custom',
        field: 'body',
        message: `body is too long (maximum is ${MAX_BODY} characters)`,
      },
    ]);
  }
  return body;
}

/** The request body as a JSON object, or GitHub's 400 "Body should be a JSON object". */
export function jsonBody(req: { json<T>(): T }): Body {
  const body = req.json<unknown>();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ghError(400, 'Body should be a JSON object');
  }
  return body as Body;
}
