import { z } from 'zod';
import type { GitHubClient } from '../../scm/github/app-clients.js';
import { callGitHub } from '../../scm/github/request-errors.js';
import { idOf, parseGitHub } from '../../scm/github/schemas.js';

const signedInUserSchema = z.object({
  id: z.union([z.number(), z.string()]),
  login: z.string().min(1),
  name: z.string().nullish(),
  /** The public email address, null when the person shows none. */
  email: z.string().nullish(),
});

/** The person a user access token belongs to, as Sign in with GitHub needs them. */
export async function gitHubSignedInUser(
  user: GitHubClient,
): Promise<{ id: string; login: string; name: string | null; email: string | null }> {
  // GET /user
  const answer = await callGitHub('read the signed-in user', () => user.request('GET /user'));
  const data = parseGitHub(signedInUserSchema, answer.data, 'user');
  return { id: idOf(data.id, 'user'), login: data.login, name: data.name ?? null, email: data.email ?? null };
}
