import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAccount } from '../connections/connections-api.js';
import {
  expectProblem,
  signedDelivery,
  signers,
  startWebhookService,
  webhookKindList,
  type WebhookService,
} from './webhook-fixture.js';

let hooks: WebhookService;
beforeAll(async () => {
  hooks = await startWebhookService();
});
afterAll(() => hooks.close());

describe.each(webhookKindList)('POST /webhooks/%s/{hookId}: storing deliveries', (kind) => {
  const signer = signers[kind];

  it('stores a replayed delivery id once, with one job, and answers the replay 2xx', async () => {
    const endpoint = await hooks.addEndpoint(kind);
    const delivery = signedDelivery(kind, endpoint.secret);
    const first = await hooks.send(endpoint.path, delivery);
    const second = await hooks.send(endpoint.path, delivery);
    expect(first).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(second).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    const rows = await hooks.deliveries(endpoint.hookId);
    expect(rows).toHaveLength(1);
    expect(await hooks.jobsFor(rows.map((r) => r.id))).toHaveLength(1);
  });

  it('stores copies of one delivery sent at the same moment once', async () => {
    const endpoint = await hooks.addEndpoint(kind);
    const delivery = signedDelivery(kind, endpoint.secret);
    const answers = await Promise.all(Array.from({ length: 8 }, () => hooks.send(endpoint.path, delivery)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 202]);
    const rows = await hooks.deliveries(endpoint.hookId);
    expect(rows).toHaveLength(1);
    expect(await hooks.jobsFor(rows.map((r) => r.id))).toHaveLength(1);
  });

  it('stores distinct deliveries sent at the same moment, each with its own job', async () => {
    const endpoint = await hooks.addEndpoint(kind);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => hooks.send(endpoint.path, signedDelivery(kind, endpoint.secret))),
    );
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const rows = await hooks.deliveries(endpoint.hookId);
    expect(rows).toHaveLength(20);
    const jobs = await hooks.jobsFor(rows.map((r) => r.id));
    expect(jobs).toHaveLength(20);
    expect(new Set(jobs.map((j) => (JSON.parse(j.payload) as { deliveryId: string }).deliveryId)).size).toBe(
      20,
    );
  });

  it('keeps the same delivery id apart on two endpoints', async () => {
    const one = await hooks.addEndpoint(kind);
    const two = await hooks.addEndpoint(kind);
    const deliveryId = randomUUID();
    expect((await hooks.send(one.path, signedDelivery(kind, one.secret, { deliveryId }))).status).toBe(202);
    expect((await hooks.send(two.path, signedDelivery(kind, two.secret, { deliveryId }))).status).toBe(202);
    expect(await hooks.deliveries(one.hookId)).toHaveLength(1);
    expect(await hooks.deliveries(two.hookId)).toHaveLength(1);
  });

  it('answers an event it does not handle 2xx, and its job marks the delivery ignored', async () => {
    const endpoint = await hooks.addEndpoint(kind);
    const answer = await hooks.send(
      endpoint.path,
      signedDelivery(kind, endpoint.secret, { event: signer.unknownEvent }),
    );
    expect(answer.status).toBe(202);
    const [row] = await hooks.deliveries(endpoint.hookId);
    expect(row!.event).toBe(signer.unknownEvent);
    const done = await hooks.processed(row!.id);
    expect(done).toMatchObject({ status: 'ignored', outcome: expect.stringContaining(signer.unknownEvent) });
  });

  it('keeps a body with emoji and escaped unicode byte for byte', async () => {
    const endpoint = await hooks.addEndpoint(kind);
    const text = { title: 'Fix 🚀 for café — 日本語', escaped: '\\u00e9\\ud83d\\ude80 and \\u0000' };
    const deliveryId = randomUUID();
    const body = Buffer.from(
      signer.body(deliveryId, signer.ignoredEvent).toString('utf8').replace(/}$/, '') +
        `,"title":"${text.title}","escaped":"${text.escaped}"}`,
      'utf8',
    );
    const answer = await hooks.send(
      endpoint.path,
      signedDelivery(kind, endpoint.secret, { deliveryId, body }),
    );
    expect(answer.status).toBe(202);
    const [row] = await hooks.deliveries(endpoint.hookId);
    expect(row!.body).toBe(body.toString('utf8'));
    expect(row!.body_bytes).toBe(body.length);
    expect(JSON.parse(row!.body)).toMatchObject({ title: text.title, escaped: 'é🚀 and \u0000' });
  });

  it('refuses a signed body holding a NUL byte with 400 and stores nothing', async () => {
    const endpoint = await hooks.addEndpoint(kind);
    const body = Buffer.concat([
      Buffer.from('{"id":"x","eventType":"a'),
      Buffer.from([0]),
      Buffer.from('"}'),
    ]);
    const answer = await hooks.send(endpoint.path, signedDelivery(kind, endpoint.secret, { body }));
    expectProblem(answer, 400, 'invalid_body', [endpoint.secret]);
    expect(await hooks.deliveries(endpoint.hookId)).toHaveLength(0);
  });

  it('refuses a signed body that is not UTF-8 with 400 and stores nothing', async () => {
    const endpoint = await hooks.addEndpoint(kind);
    const body = Buffer.concat([
      Buffer.from('{"id":"y","eventType":"'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}'),
    ]);
    const answer = await hooks.send(endpoint.path, signedDelivery(kind, endpoint.secret, { body }));
    expectProblem(answer, 400, 'invalid_body', [endpoint.secret]);
    expect(await hooks.deliveries(endpoint.hookId)).toHaveLength(0);
  });
});

describe('POST /webhooks/{kind}/{hookId}: routing', () => {
  it('answers 404 for an unknown hook id, a hook of another kind, an unknown kind and a malformed id', async () => {
    const endpoint = await hooks.addEndpoint('github');
    const delivery = signedDelivery('github', endpoint.secret);
    const unknown = `${'A'.repeat(42)}B`;
    for (const path of [
      `/webhooks/github/${unknown}`,
      `/webhooks/gitlab/${endpoint.hookId}`,
      `/webhooks/bitbucket-cloud/${endpoint.hookId}`,
      `/webhooks/gitea/${endpoint.hookId}`,
      `/webhooks/github/${endpoint.hookId.slice(1)}`,
      `/webhooks/github/${endpoint.hookId}x`,
    ]) {
      expectProblem(await hooks.send(path, delivery), 404, 'not_found', [endpoint.secret]);
    }
    expect(await hooks.deliveries(endpoint.hookId)).toHaveLength(0);
  });

  it('answers 415 for a body that is not JSON by its content type', async () => {
    const endpoint = await hooks.addEndpoint('github');
    const delivery = signedDelivery('github', endpoint.secret);
    const answer = await hooks.send(endpoint.path, {
      ...delivery,
      headers: { ...delivery.headers, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(answer, 415, 'unsupported_media_type');
  });

  it('refuses a delivery id that is not printable with 400', async () => {
    const endpoint = await hooks.addEndpoint('github');
    const answer = await hooks.send(
      endpoint.path,
      signedDelivery('github', endpoint.secret, { deliveryId: 'x'.repeat(201) }),
    );
    expectProblem(answer, 400, 'invalid_delivery');
  });
});

describe('POST /webhooks/{kind}/{hookId}: tenant walls', () => {
  it("stores a delivery in its endpoint's account only, and refuses the other account's secret", async () => {
    const otherAccount = await newAccount(hooks.admin, `Other ${randomUUID().slice(0, 8)}`);
    const ours = await hooks.addEndpoint('github');
    const theirs = await hooks.addEndpoint('github', { accountId: otherAccount });

    const forged = await hooks.send(ours.path, signedDelivery('github', theirs.secret));
    expectProblem(forged, 401, 'invalid_signature', [ours.secret, theirs.secret]);

    const answer = await hooks.send(ours.path, signedDelivery('github', ours.secret));
    expect(answer.status).toBe(202);
    const rows = await hooks.deliveries(ours.hookId);
    expect(rows.map((r) => r.account_id)).toEqual([hooks.accountId]);
    const jobs = await hooks.jobsFor(rows.map((r) => r.id));
    expect(jobs.map((j) => j.account_id)).toEqual([hooks.accountId]);
    expect(await hooks.deliveries(theirs.hookId)).toHaveLength(0);

    const listed = async (accountId: string) => {
      const page = await hooks.admin.get<{ items: { id: string }[] }>(
        `/api/v1/accounts/${accountId}/jobs?kind=webhook.process`,
      );
      expect(page.status).toBe(200);
      return page.body.items.map((item) => item.id);
    };
    expect(await listed(hooks.accountId)).toContain(jobs[0]!.id);
    expect(await listed(otherAccount)).not.toContain(jobs[0]!.id);
  });
});
