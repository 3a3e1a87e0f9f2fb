import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectProblem,
  signedDelivery,
  signers,
  standardSignature,
  startWebhookService,
  webhookKindList,
  type Endpoint,
  type SentHeaders,
  type WebhookService,
} from './webhook-fixture.js';

let hooks: WebhookService;
beforeAll(async () => {
  hooks = await startWebhookService();
});
afterAll(() => hooks.close());

describe('POST /webhooks/{kind}/{hookId}: vendors’ documented examples', () => {
  it("accepts GitHub's X-Hub-Signature-256 test vector", async () => {
    const endpoint = await hooks.addEndpoint('github', { secret: "It's a Secret to Everybody" });
    const answer = await hooks.send(endpoint.path, {
      headers: {
        'x-github-delivery': randomUUID(),
        'x-github-event': 'ping',
        'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      },
      body: Buffer.from('Hello, World!'),
    });
    expect(answer).toMatchObject({ status: 202, body: { status: 'accepted' } });
    const [row] = await hooks.deliveries(endpoint.hookId);
    expect(row).toMatchObject({ body: 'Hello, World!', body_bytes: 13, event: 'ping' });
  });

  it('accepts a GitLab delivery signed with its signing token as Standard Webhooks does', async () => {
    // The key of the Standard Webhooks specification's example (whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw with
    // msg_p5jXN8AQM9LWM0D4loKWxJek at 1614265330 signs {"test": 2432232314} as
    // v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=, checked in src/scm/webhook-signatures.test.ts); here signed
    // now, because the receiver keeps a 5-minute window.
    const signingSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const endpoint = await hooks.addEndpoint('gitlab', { signingSecret });
    const body = Buffer.from('{"test": 2432232314}');
    const timestamp = Math.floor(Date.now() / 1000);
    const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
    const answer = await hooks.send(endpoint.path, {
      headers: {
        'x-gitlab-token': endpoint.secret,
        'x-gitlab-event': 'Tag Push Hook',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': standardSignature(signingSecret, id, timestamp, body),
      },
      body,
    });
    expect(answer.status).toBe(202);
    const [row] = await hooks.deliveries(endpoint.hookId);
    expect(row).toMatchObject({ delivery_id: id, body: '{"test": 2432232314}' });
  });
});

/** A valid delivery's authenticating header replaced (or removed, for `undefined`). */
function withAuth(
  endpoint: Endpoint,
  value: string | string[] | undefined,
): { headers: SentHeaders; body: Buffer } {
  const delivery = signedDelivery(endpoint.kind, endpoint.secret);
  const name = signers[endpoint.kind].authHeader;
  const headers = Object.fromEntries(Object.entries(delivery.headers).filter(([header]) => header !== name));
  return { headers: value === undefined ? headers : { ...headers, [name]: value }, body: delivery.body };
}

describe.each(webhookKindList)('POST /webhooks/%s/{hookId}: verification', (kind) => {
  const signer = signers[kind];
  let endpoint: Endpoint;
  let sibling: Endpoint;
  let valid: string;

  beforeAll(async () => {
    endpoint = await hooks.addEndpoint(kind);
    sibling = await hooks.addEndpoint(kind);
    valid = signer.authValue(endpoint.secret, signedDelivery(kind, endpoint.secret).body);
  });

  it('accepts a delivery signed with its endpoint’s secret and stores it with one job', async () => {
    const delivery = signedDelivery(kind, endpoint.secret);
    const answer = await hooks.send(endpoint.path, delivery);
    expect(answer).toMatchObject({ status: 202, body: { status: 'accepted' } });
    const rows = await hooks.deliveries(endpoint.hookId);
    const row = rows.find((r) => r.body === delivery.body.toString('utf8'));
    expect(row).toMatchObject({ account_id: endpoint.accountId, status: expect.any(String) });
    expect(await hooks.jobsFor([row!.id])).toHaveLength(1);
  });

  const refusals: [string, (e: Endpoint, s: Endpoint) => string | string[] | undefined][] = [
    ['no signature', () => undefined],
    ['an empty signature', () => ''],
    ['a wrong secret', (e) => signer.authValue(`${e.secret}-wrong`, signedDelivery(kind, e.secret).body)],
    [
      "another connection's secret",
      (_e, s) => signer.authValue(s.secret, signedDelivery(kind, _e.secret).body),
    ],
    ['a truncated signature', () => valid.slice(0, -1)],
    ['a signature one character longer', () => `${valid}0`],
    ['the signature twice, in two headers', () => [valid, valid]],
    ['the signature twice, in one header', () => `${valid}, ${valid}`],
  ];

  it.each(refusals)('refuses %s with 401 and stores nothing', async (_name, make) => {
    const before = await hooks.deliveries(endpoint.hookId);
    const delivery = withAuth(endpoint, make(endpoint, sibling));
    const answer = await hooks.send(endpoint.path, delivery);
    expectProblem(answer, 401, ['missing_signature', 'invalid_signature'], [endpoint.secret, sibling.secret]);
    expect(await hooks.deliveries(endpoint.hookId)).toHaveLength(before.length);
  });

  if (signer.authValue('k', Buffer.from('b')).startsWith('sha256=')) {
    it('refuses an upper-case SHA256= prefix with 401', async () => {
      const answer = await hooks.send(endpoint.path, withAuth(endpoint, valid.replace('sha256=', 'SHA256=')));
      expectProblem(answer, 401, 'invalid_signature', [endpoint.secret]);
    });

    it('accepts upper-case hex digits after the prefix (hex is case-blind)', async () => {
      const delivery = signedDelivery(kind, endpoint.secret);
      const value = delivery.headers[signer.authHeader] as string;
      const upper = `sha256=${value.slice('sha256='.length).toUpperCase()}`;
      const answer = await hooks.send(endpoint.path, {
        ...delivery,
        headers: { ...delivery.headers, [signer.authHeader]: upper },
      });
      expect(answer.status).toBe(202);
    });

    it('refuses a signature over other bytes (the body changed in transit)', async () => {
      const delivery = signedDelivery(kind, endpoint.secret);
      const body = Buffer.from(delivery.body.toString('utf8').replace('}', ' }'));
      const answer = await hooks.send(endpoint.path, { headers: delivery.headers, body });
      expectProblem(answer, 401, 'invalid_signature', [endpoint.secret]);
    });
  }

  it("refuses a delivery signed with this secret at another connection's hook", async () => {
    const answer = await hooks.send(sibling.path, signedDelivery(kind, endpoint.secret));
    expectProblem(answer, 401, 'invalid_signature', [endpoint.secret, sibling.secret]);
    expect(await hooks.deliveries(sibling.hookId)).toHaveLength(0);
  });
});

describe('GitLab signing token', () => {
  const signingSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  let endpoint: Endpoint;
  beforeAll(async () => {
    endpoint = await hooks.addEndpoint('gitlab', { signingSecret });
  });

  function signed(overrides: SentHeaders = {}, at = Math.floor(Date.now() / 1000)) {
    const body = Buffer.from('{"object_kind":"tag_push"}');
    const id = randomUUID();
    return {
      headers: {
        'x-gitlab-token': endpoint.secret,
        'x-gitlab-event': 'Tag Push Hook',
        'webhook-id': id,
        'webhook-timestamp': String(at),
        'webhook-signature': standardSignature(signingSecret, id, at, body),
        ...overrides,
      },
      body,
    };
  }

  it('accepts one valid signature among several entries (a token being rotated)', async () => {
    const delivery = signed();
    const other = `v1,${Buffer.alloc(32, 1).toString('base64')}`;
    const answer = await hooks.send(endpoint.path, {
      ...delivery,
      headers: {
        ...delivery.headers,
        'webhook-signature': `${other} ${String(delivery.headers['webhook-signature'])}`,
      },
    });
    expect(answer.status).toBe(202);
  });

  it.each([
    [
      'without the signing headers',
      {
        'webhook-id': [] as string[],
        'webhook-timestamp': [] as string[],
        'webhook-signature': [] as string[],
      },
      'missing_signature',
    ],
    ['with webhook-signature twice', { 'webhook-signature': ['v1,a', 'v1,b'] }, 'invalid_signature'],
    [
      'with an upper-case V1, prefix',
      { 'webhook-signature': 'V1,' + 'A'.repeat(43) + '=' },
      'invalid_signature',
    ],
    [
      'with a truncated signature',
      { 'webhook-signature': 'v1,' + 'A'.repeat(42) + '=' },
      'invalid_signature',
    ],
    ['with an empty signature', { 'webhook-signature': '' }, 'invalid_signature'],
    ['with a timestamp that is not a number', { 'webhook-timestamp': '1e9' }, 'invalid_signature'],
  ])('refuses a delivery %s with 401', async (_name, overrides, code) => {
    const delivery = signed();
    // An empty list leaves the header out.
    const headers: SentHeaders = Object.fromEntries(
      Object.entries({ ...delivery.headers, ...overrides }).filter(
        ([, value]) => !Array.isArray(value) || value.length > 0,
      ),
    );
    const answer = await hooks.send(endpoint.path, { headers, body: delivery.body });
    expectProblem(answer, 401, code, [endpoint.secret, signingSecret]);
  });

  it('refuses a signature over another body', async () => {
    const delivery = signed();
    const answer = await hooks.send(endpoint.path, {
      headers: delivery.headers,
      body: Buffer.from('{"object_kind":"push"}'),
    });
    expectProblem(answer, 401, 'invalid_signature', [signingSecret]);
  });

  it('refuses a timestamp more than five minutes old, even correctly signed', async () => {
    const answer = await hooks.send(endpoint.path, signed({}, Math.floor(Date.now() / 1000) - 6 * 60));
    expectProblem(answer, 401, 'stale_signature', [signingSecret]);
  });

  it('refuses a valid signing signature with a wrong X-Gitlab-Token', async () => {
    const answer = await hooks.send(endpoint.path, signed({ 'x-gitlab-token': `${endpoint.secret}x` }));
    expectProblem(answer, 401, 'invalid_signature', [endpoint.secret]);
  });
});

describe('Azure DevOps basic auth', () => {
  it('refuses valid credentials that came over plain http with 403', async () => {
    const endpoint = await hooks.addEndpoint('azure-devops');
    const delivery = signedDelivery('azure-devops', endpoint.secret);
    const { 'x-forwarded-proto': _https, ...headers } = delivery.headers;
    const answer = await hooks.send(endpoint.path, { headers, body: delivery.body });
    expectProblem(answer, 403, 'https_required', [endpoint.secret]);
    expect(await hooks.deliveries(endpoint.hookId)).toHaveLength(0);
  });

  it('refuses credentials that are not base64', async () => {
    const endpoint = await hooks.addEndpoint('azure-devops');
    const answer = await hooks.send(endpoint.path, withAuth(endpoint, 'Basic ***'));
    expectProblem(answer, 401, 'invalid_signature', [endpoint.secret]);
  });
});
