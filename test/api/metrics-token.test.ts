import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.js';

const token = 'metrics-0123456789abcdef0123456789abcdef';

describe('/metrics behind SCM_CONNECT_METRICS_TOKEN', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ SCM_CONNECT_METRICS_TOKEN: token });
  });
  afterAll(() => service.close());

  const scrape = (authorization?: string) =>
    fetch(`${service.url}/metrics`, { headers: authorization ? { authorization } : {} });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer metrics-wrong'],
    ['the token with one character more', `Bearer ${token}x`],
    ['the token as Basic credentials', `Basic ${Buffer.from(`x:${token}`).toString('base64')}`],
  ])('answers 401 {code, message} to %s', async (_what, authorization) => {
    const answer = await scrape(authorization);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    const body = (await answer.json()) as { code: string; message: string };
    expect(body).toEqual({
      code: 'unauthorized',
      message: expect.stringContaining('SCM_CONNECT_METRICS_TOKEN'),
    });
    expect(JSON.stringify(body)).not.toContain(token);
  });

  it('serves the metrics with the bearer token', async () => {
    const answer = await scrape(`Bearer ${token}`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('scm_connect_http_requests_total');
  });

  it('leaves the health endpoints open', async () => {
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });
});
