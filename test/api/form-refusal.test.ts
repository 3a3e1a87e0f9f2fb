import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient as WebApiClient } from '../../src/web/api/client.js';
import { createHttp } from '../../src/web/api/http.js';
import { accountRules } from '../../src/web/forms/account-rules.js';
import { refusalOf } from '../../src/web/forms/api-refusal.js';
import { connectionRules } from '../../src/web/settings/connection-rules.js';
import { setUpAdmin, type ApiClient } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * The UI's client against the real API: a 400 names every refused field, and the forms place each message next
 * to its field in their own words for the field.
 */
describe('API refusals placed next to form fields', () => {
  let service: TestService;
  let admin: ApiClient;
  let accountId: string;
  let web: WebApiClient;

  beforeAll(async () => {
    service = await startTestService();
    const setUp = await setUpAdmin(service);
    admin = setUp.client;
    accountId = setUp.session.currentAccountId!;
    // The browser's fetch: same origin, the session cookie, relative paths.
    const fetchAsBrowser = (input: RequestInfo | URL, init: RequestInit = {}) =>
      fetch(new URL(String(input), service.url), {
        ...init,
        headers: { ...(init.headers as Record<string, string>), cookie: admin.cookie!, origin: service.url },
      });
    web = createApiClient(createHttp({ fetch: fetchAsBrowser as typeof fetch }));
    await web.currentSession();
  });
  afterAll(() => service.close());

  const refusalOfCall = async (call: Promise<unknown>, rules: Parameters<typeof refusalOf>[1]) => {
    const error = await call.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    return refusalOf(error, rules, 'fallback');
  };

  it('names every refused field of a Connect request, each under its own name', async () => {
    const refusal = await refusalOfCall(
      web.createConnection(accountId, { kind: 'gitlab', group: 'bad group!', token: 'has space' }),
      connectionRules('gitlab'),
    );
    expect(refusal.form).toBeNull();
    expect(refusal.fields).toEqual({
      group: expect.stringMatching(/^Group: must be a GitLab group path/),
      token: expect.stringMatching(/^Access token: must be the token only/),
    });
  });

  it('places a field the form could not judge (a PEM that does not parse) next to that field', async () => {
    const refusal = await refusalOfCall(
      web.createConnection(accountId, {
        kind: 'gitlab-self-managed',
        baseUrl: 'https://gitlab.example.com',
        group: 'acme',
        token: 't',
        caPem: '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----',
      }),
      connectionRules('gitlab-self-managed'),
    );
    expect(refusal).toEqual({
      fields: { caPem: expect.stringMatching(/^CA certificate: must be one or more PEM certificates/) },
      form: null,
    });
  });

  it('keeps a refusal that is about no field as the message of the whole form', async () => {
    const refusal = await refusalOfCall(web.createToken(accountId, 'x'.repeat(101), 'member'), {
      email: accountRules.email,
    });
    expect(refusal).toEqual({ fields: {}, form: 'body.name: must be at most 100 characters' });

    const named = await refusalOfCall(web.createToken(accountId, 'x'.repeat(101), 'member'), {
      name: accountRules.tokenName,
    });
    expect(named).toEqual({ fields: { name: 'Token name: must be at most 100 characters' }, form: null });
  });

  it('leaves an answer without issues (a duplicate, the SCM refusing) to the form', async () => {
    const refusal = await refusalOfCall(web.signIn('nobody@example.com', 'wrong password'), {
      email: accountRules.email,
      password: accountRules.password,
    });
    expect(refusal.fields).toEqual({});
    expect(refusal.form).toMatch(/\S/);
  });
});
