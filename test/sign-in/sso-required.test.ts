import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  devDana,
  GitHubBrowser,
  startGitHubSignInWorld,
  type GitHubSignInWorld,
} from './github-sign-in-world.js';

describe('Sign in with GitHub into an account that requires single sign-on', () => {
  let world: GitHubSignInWorld;
  beforeAll(async () => {
    world = await startGitHubSignInWorld();
  });
  afterAll(() => world?.close());

  const requireSso = (on: boolean) =>
    world.service.database.db
      .updateTable('accounts')
      .set({ require_sso: on ? 1 : 0 })
      .where('id', '=', world.accountId)
      .execute();

  it('refuses with sso_required when every account of the member requires it, and starts no session', async () => {
    await requireSso(true);
    try {
      const browser = new GitHubBrowser(world);
      expect(await browser.signInWithGitHub(devDana)).toBe('/login?error=sso_required');
      expect(browser.cookies.has('scm_session')).toBe(false);
    } finally {
      await requireSso(false);
    }
  });

  it('signs the same member in once the account no longer requires it', async () => {
    const browser = new GitHubBrowser(world);
    expect(await browser.signInWithGitHub(devDana)).toBe('/');
    expect((await browser.api()).session?.currentAccountId).toBe(world.accountId);
  });
});
