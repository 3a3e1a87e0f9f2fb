import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSchedules } from '../../src/jobs/index.js';
import { ApiClient, setUpAdmin } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';

describe('operations endpoints and the API description', () => {
  let service: TestService;
  let admin: ApiClient;
  beforeAll(async () => {
    service = await startTestService();
    admin = (await setUpAdmin(service)).client;
  });
  afterAll(() => service.close());

  it('schedules the housekeeping and the connection checks, each once', async () => {
    const schedules = await listSchedules(service.database.db);
    expect(schedules.map((s) => [s.name, s.kind])).toEqual([
      ['connections.sync', 'schedule.sync-connections'],
      ['connections.token-expiry', 'schedule.check-token-expiry'],
      ['connections.webhook-health', 'schedule.check-webhook-health'],
      ['github.redeliver-failed', 'github.redeliver-failed'],
      ['housekeeping', 'instance.housekeeping'],
      ['membership.reconcile', 'schedule.reconcile-membership'],
    ]);
  });

  it('answers liveness and readiness', async () => {
    expect(await (await fetch(`${service.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('exposes Prometheus metrics by route pattern, not raw URL', async () => {
    await admin.get('/api/v1/accounts');
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(text).toContain('scm_connect_http_requests_total');
    expect(text).toMatch(/route="\/api\/v1\/accounts",status="200"/);
    expect(text).toContain('scm_connect_process_resident_memory_bytes');
  });

  it('describes the API with OpenAPI, including the account-scoped routes', async () => {
    const doc = (await (await fetch(`${service.url}/api/docs/json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/v1/session',
      '/api/v1/setup',
      '/api/v1/accounts',
      '/api/v1/accounts/{accountId}/members',
      '/api/v1/accounts/{accountId}/membership-source',
      '/api/v1/accounts/{accountId}/tokens',
      '/api/v1/accounts/{accountId}/connections',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect((await fetch(`${service.url}/api/docs`, { redirect: 'follow' })).status).toBe(200);
  });

  it('sends security headers and keeps API answers out of caches', async () => {
    const answer = await admin.get('/api/v1/session');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('answers unknown API routes with a JSON 404 and app routes with the UI', async () => {
    const missing = await admin.get('/api/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'not_found' });
    const page = await fetch(`${service.url}/settings/members`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/(html|plain)/);
  });
});
