import sodium from 'libsodium-wrappers';
import { z } from 'zod';
import { isScmError, ScmError } from '../errors.js';
import type { CiSecretStore, ScmRepositoryRef } from '../provider.js';
import { onInstallation, type GitHubContext } from './provider-context.js';
import { isRequestError } from './request-errors.js';
import { ownerAndRepo, parseGitHub } from './schemas.js';

/** `GET /repos/{owner}/{repo}/actions/secrets/public-key`: the repository's X25519 key, base64. */
const publicKeySchema = z.object({ key_id: z.string().min(1), key: z.string().min(1) });

/**
 * GitHub's rules for a secret's name ("Naming your secrets"): letters, digits and `_`, not starting with a digit
 * nor with `GITHUB_`.
 */
const secretNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

const secretsFix = 'Grant the app the repository permission Secrets: read and write';

/**
 * GitHub Actions repository secrets (`secrets` permission): a value is sealed (libsodium `crypto_box_seal`)
 * with the repository's public key and sent with that key's id; GitHub never gives it back. The value is never
 * put into a message, a log or an error: GitHub's refusals are told by status only.
 */
export function createGitHubCiSecretStore(context: GitHubContext): CiSecretStore {
  const octokit = () => context.octokit();

  /** Runs a call; a 403 that is not a suspension is the missing `secrets` permission. */
  const call = <T>(what: string, run: () => Promise<T>) =>
    onInstallation(context, what, async () => {
      try {
        return await run();
      } catch (error) {
        if (isRequestError(error) && error.status === 403 && !suspended(error)) {
          throw new ScmError(
            'forbidden',
            `GitHub refused to ${what}: the app may not manage Actions secrets of the repository.`,
            { code: 'insufficient_permissions', status: 403, fix: secretsFix },
          );
        }
        throw error;
      }
    });

  async function publicKey(repo: { owner: string; repo: string }) {
    // GET /repos/{owner}/{repo}/actions/secrets/public-key
    const answer = await call('read the repository public key for Actions secrets', () =>
      octokit().request('GET /repos/{owner}/{repo}/actions/secrets/public-key', repo),
    );
    return parseGitHub(publicKeySchema, answer.data, 'public key');
  }

  async function seal(value: string, key: string): Promise<string> {
    await sodium.ready;
    const sealed = sodium.crypto_box_seal(Buffer.from(value, 'utf8'), Buffer.from(key, 'base64'));
    return Buffer.from(sealed).toString('base64');
  }

  return {
    label: 'GitHub Actions repository secret',
    scopeOf: (repository: ScmRepositoryRef) => repository.externalId,

    async hasSecret(repository, name) {
      const repo = ownerAndRepo(repository.fullName);
      try {
        // GET /repos/{owner}/{repo}/actions/secrets/{secret_name}
        await call('read an Actions secret', () =>
          octokit().request('GET /repos/{owner}/{repo}/actions/secrets/{secret_name}', {
            ...repo,
            secret_name: checkName(name),
          }),
        );
        return true;
      } catch (error) {
        if (isScmError(error) && error.status === 404) return false;
        throw error;
      }
    },

    async putSecret(repository, name, value) {
      const repo = ownerAndRepo(repository.fullName);
      const secretName = checkName(name);
      // A 422 after a fresh key is a key GitHub rotated between the two calls: sealed once more with the new one.
      for (let attempt = 1; ; attempt++) {
        const key = await publicKey(repo);
        const encrypted = await seal(value, key.key);
        try {
          // PUT /repos/{owner}/{repo}/actions/secrets/{secret_name} (201 created, 204 updated)
          await call('write an Actions secret', () =>
            octokit().request('PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}', {
              ...repo,
              secret_name: secretName,
              encrypted_value: encrypted,
              key_id: key.key_id,
            }),
          );
          return;
        } catch (error) {
          if (attempt < 2 && isScmError(error) && error.status === 422) continue;
          throw error;
        }
      }
    },
  };
}

function checkName(name: string): string {
  if (!secretNamePattern.test(name) || /^GITHUB_/i.test(name)) {
    throw new ScmError('invalid', `\`${name.slice(0, 100)}\` is not a name GitHub accepts for a secret.`, {
      code: 'invalid_secret_name',
      fix: 'Use letters, digits and `_` only, not starting with a digit or with `GITHUB_`.',
    });
  }
  return name;
}

function suspended(error: unknown): boolean {
  const data = isRequestError(error) ? error.response?.data : undefined;
  const message = typeof data === 'object' && data !== null ? (data as { message?: unknown }).message : '';
  return typeof message === 'string' && /installation has been suspended/i.test(message);
}
