import { TwinHttpError } from '../server/twin-server.js';

const DOCS = 'https://docs.github.com/rest';

/** A GitHub REST error answer: `{message, documentation_url, status}` (status as a string, as GitHub sends it). */
export function ghError(
  status: number,
  message: string,
  options: { docs?: string; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
): TwinHttpError {
  return new TwinHttpError(
    status,
    { message, documentation_url: options.docs ?? DOCS, status: String(status), ...options.extra },
    options.headers,
  );
}

export const notFound = (docs?: string): TwinHttpError => ghError(404, 'Not Found', { docs });

export const badCredentials = (): TwinHttpError => ghError(401, 'Bad credentials');

export const requiresAuthentication = (): TwinHttpError => ghError(401, 'Requires authentication');

/** 422 "Validation Failed" with GitHub's `errors[]` entries. */
export function validationFailed(
  errors: readonly { resource: string; code: string; field?: string; message?: string }[],
  message = 'Validation Failed',
): TwinHttpError {
  return ghError(422, message, { extra: { errors } });
}

export function notAccessible(accepted: string): TwinHttpError {
  return ghError(403, 'Resource not accessible by integration', {
    headers: { 'x-accepted-github-permissions': accepted },
  });
}
