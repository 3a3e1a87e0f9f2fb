import { expect } from 'vitest';
import { setUpAdmin, type ApiClient, type SessionBody } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { SsoBrowser, type Landing } from './browser.js';

/** The SSO settings view as the API answers it (the parts tests read). */
export interface SsoSettingsBody {
  oidc: null | {
    id: string;
    status: string;
    testedAt: string | null;
    issuer: string;
    hasClientSecret: boolean;
    redirectUrl: string;
    groupRoles: Record<string, string>;
    lastTest: null | { ok: boolean; reason: string | null; message: string };
  };
  saml: null | {
    id: string;
    status: string;
    idpEntityId: string;
    spEntityId: string;
    acsUrl: string;
    certificates: { subject: string; notAfter: string; expiresSoon: boolean }[];
    lastTest: null | { ok: boolean; reason: string | null; message: string };
  };
  policy: { requireSso: boolean; breakGlassUserId: string | null };
  redirectUrl: string;
}

export interface MemberBody {
  userId: string;
  email: string;
  role: string;
}

/** scm-connect on loopback, allowed to call identity providers on 127.0.0.1 over plain http, with its first admin. */
export async function startSsoService(): Promise<{
  service: TestService;
  admin: ApiClient;
  session: SessionBody;
  accountId: string;
}> {
  const service = await startTestService({
    SCM_CONNECT_ALLOWED_HOSTS: '127.0.0.1 localhost',
    SCM_CONNECT_ALLOW_HTTP: 'true',
    ...(process.env.SSO_TEST_LOG ? { SCM_CONNECT_LOG_LEVEL: process.env.SSO_TEST_LOG } : {}),
  });
  const { client: admin, session } = await setUpAdmin(service);
  return { service, admin, session, accountId: session.currentAccountId! };
}

export async function ssoSettings(admin: ApiClient, accountId: string): Promise<SsoSettingsBody> {
  const answer = await admin.get<SsoSettingsBody>(`/api/v1/accounts/${accountId}/sso`);
  expect(answer.status, answer.text).toBe(200);
  return answer.body;
}

export async function membersOf(admin: ApiClient, accountId: string): Promise<MemberBody[]> {
  const answer = await admin.get<{ items: MemberBody[] }>(`/api/v1/accounts/${accountId}/members`);
  expect(answer.status, answer.text).toBe(200);
  return answer.body.items;
}

/** Signs in through SSO by work email the way the login page does, in a new browser. */
export async function signInBySso(
  service: TestService,
  email: string,
): Promise<{ browser: SsoBrowser; landing: Landing }> {
  const browser = new SsoBrowser(service.url);
  const start = await fetch(`${service.url}/api/v1/sign-in/sso`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: service.url },
    body: JSON.stringify({ email }),
  });
  expect(start.status).toBe(200);
  const { url } = (await start.json()) as { url: string };
  return { browser, landing: await browser.open(url) };
}

/** Runs Test sign-in as `admin` (in a browser holding their session) and answers where it landed. */
export async function testSignIn(
  service: TestService,
  admin: ApiClient,
  providerId: string,
): Promise<Landing> {
  const browser = new SsoBrowser(service.url).useSessionOf(admin);
  return browser.open(`/auth/sso/${providerId}/start?purpose=test`);
}
