import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/log.js';
import { setUpAdmin, type ApiClient } from '../../helpers/api-client.js';
import { startTestService, type TestService } from '../../helpers/service.js';
import { commitA, sarif } from './sarif-fixtures.js';
import { insertConnection, upload } from './scans-world.js';

describe('the request log of an upload', () => {
  const lines: string[] = [];
  let service: TestService;
  let admin: ApiClient;
  let accountId: string;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    service = await startTestService(
      { SCM_CONNECT_WORKER: 'false' },
      { logger: createLogger({ level: 'info', destination }) },
    );
    ({ client: admin } = await setUpAdmin(service));
    accountId = (await admin.get<{ items: { id: string }[] }>('/api/v1/accounts')).body.items[0]!.id;
    await insertConnection(service.database.db, accountId, {
      kind: 'github',
      name: 'acme',
      baseUrl: 'https://github.com',
      target: 'acme',
      repositories: ['acme/web-shop'],
    });
  });
  afterAll(() => service.close());

  it('holds no credential from a repository URL in the query string, accepted or refused', async () => {
    for (const repository of [
      'https://x-access-token:ghs_l0gS3cret@github.com/acme/web-shop.git',
      'https://x-access-token:ghs_l0gS3cret@github.com/acme/unknown.git',
    ]) {
      const answer = await upload(admin, accountId, sarif(), { query: { repository, commit: commitA } });
      expect([202, 404]).toContain(answer.status);
      expect(answer.text).not.toContain('l0gS3cret');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const uploads = lines.filter((line) => line.includes('/scans'));
    expect(uploads.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).not.toContain('l0gS3cret');
  });
});
