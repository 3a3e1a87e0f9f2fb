import { z } from 'zod';
import { ScmError } from '../errors.js';
import type { GitHubClient } from './app-clients.js';
import { integerIdPattern } from './app-credentials.js';
import { githubError, statusOf } from './request-errors.js';

/** Tokens are renewed this long before GitHub's `expires_at` (they live an hour). */
export const tokenRenewalMarginMs = 5 * 60_000;

const tokenAnswer = z.object({ token: z.string().min(1), expires_at: z.string() });

/** The refusal of a token request for an installation GitHub no longer has (the app was uninstalled). */
export const installationGone = (installationId: string): ScmError =>
  new ScmError('auth', `The GitHub App is no longer installed as installation ${installationId}.`, {
    code: 'installation_not_found',
    status: 404,
    fix: 'Install the app on the account again, then reconnect.',
  });

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

/** Installation access tokens of one app, minted on demand and kept in memory until shortly before expiry. */
export interface InstallationTokens {
  token(installationId: string): Promise<string>;
  /** Drops `token` (GitHub refused it) so that the next call mints a new one. */
  forget(installationId: string, token: string): void;
}

/**
 * `app` is the JWT-authenticated client; `now` is scm-connect's clock, against which GitHub's `expires_at` is
 * compared. Concurrent calls for one installation share one mint.
 */
export function createInstallationTokens(app: GitHubClient, now: () => Date): InstallationTokens {
  const cache = new Map<string, CachedToken>();
  const minting = new Map<string, Promise<CachedToken>>();

  async function mint(installationId: string): Promise<CachedToken> {
    let answer: Awaited<ReturnType<GitHubClient['request']>>;
    try {
      // POST /app/installations/{installation_id}/access_tokens
      answer = await app.request(`POST /app/installations/${installationId}/access_tokens`);
    } catch (error) {
      // GitHub answers 404 once the app is uninstalled: the installation's access is gone, not a missing page.
      if (statusOf(error) === 404) throw installationGone(installationId);
      throw githubError(error, 'create an installation access token');
    }
    const parsed = tokenAnswer.safeParse(answer.data);
    const expiresAt = parsed.success ? Date.parse(parsed.data.expires_at) : Number.NaN;
    if (!parsed.success || Number.isNaN(expiresAt)) {
      throw new ScmError(
        'invalid',
        'GitHub answered the installation token request without a usable token.',
        {
          code: 'upstream_invalid_response',
        },
      );
    }
    const minted = { token: parsed.data.token, expiresAt };
    cache.set(installationId, minted);
    return minted;
  }

  return {
    async token(installationId) {
      if (!integerIdPattern.test(installationId)) {
        throw new ScmError('invalid', 'The GitHub installation id is not a positive integer.', {
          code: 'invalid_installation_id',
        });
      }
      const cached = cache.get(installationId);
      if (cached && cached.expiresAt - tokenRenewalMarginMs > now().getTime()) return cached.token;
      let pending = minting.get(installationId);
      if (!pending) {
        pending = mint(installationId).finally(() => minting.delete(installationId));
        minting.set(installationId, pending);
      }
      return (await pending).token;
    },
    forget(installationId, token) {
      if (cache.get(installationId)?.token === token) cache.delete(installationId);
    },
  };
}
