import type { ApiClient, SessionBody } from '../../helpers/api-client.js';
import { startGitHubTwin, type GitHubTwin } from '../../twins/github/index.js';
import { demoGitHubScenario, type GitHubScenario } from '../../twins/github/scenario.js';
import { Person, startServiceWorld } from './github-world.js';
import { ManifestBrowser, type ManifestWorld } from './manifest-world.js';

/**
 * A GitHub Enterprise Server twin with no app yet (`acme` owns the app to come, `acme-labs` is a further
 * organization; octo-admin owns both) and the service, its first admin signed in.
 */
export interface EnterpriseWorld extends ManifestWorld {
  readonly admin: ApiClient;
  readonly session: SessionBody;
}

export async function startEnterpriseWorld(
  extra: Partial<GitHubScenario> = {},
  env: Record<string, string> = {},
): Promise<EnterpriseWorld> {
  const twin: GitHubTwin = await startGitHubTwin(
    { ...demoGitHubScenario(), apps: [], installations: [], ...extra },
    { flavor: 'enterprise', version: '3.17.2' },
  );
  const world = await startServiceWorld(() => env);
  return {
    ...world,
    twin,
    logLines: [],
    async close() {
      await world.service.close();
      await twin.close();
    },
  };
}

/** Add GitHub Enterprise: the entry for `organization` on the twin; answers its id. */
export async function addEnterprise(world: EnterpriseWorld, organization = 'acme'): Promise<string> {
  const answer = await world.admin.post<{ id: string }>(`/api/v1/accounts/${world.accountId}/connections`, {
    kind: 'github-enterprise',
    organization,
    baseUrl: world.twin.webUrl,
  });
  if (answer.status !== 201) throw new Error(`add: ${answer.status} ${answer.text}`);
  return answer.body.id;
}

/**
 * Register app, as a person clicks it: the hand-off page, the instance's manifest page (the app named there),
 * and back to scm-connect, which answers with the redirect to the app's install page.
 */
export async function registerApp(
  world: EnterpriseWorld,
  connectionId: string,
  name = 'scm-connect for Acme',
): Promise<{ readonly callback: URL; readonly answer: Response; readonly person: Person }> {
  const browser = new ManifestBrowser(world, world.admin);
  const handOff = await browser.handOff(
    await browser.start(
      {},
      `/api/v1/accounts/${world.accountId}/connections/${connectionId}/github-enterprise/app`,
    ),
  );
  if (handOff.status !== 200) throw new Error(`hand-off: ${handOff.status} ${handOff.html}`);
  const callback = await browser.registerOnGitHub(handOff, name);
  const answer = await browser.visit(callback);
  const person = new Person(world, world.admin);
  person.keepNonce(answer.headers);
  return { callback, answer, person };
}
