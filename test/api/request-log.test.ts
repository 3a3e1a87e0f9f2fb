import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** Collects the service's JSON log lines. */
function logSink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination: stream }) };
}

describe('request logging at info', () => {
  const sink = logSink();
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({}, { logger: sink.logger });
  });
  afterAll(() => service.close());

  it('writes one line per request, with status, time and the URL masked', async () => {
    const before = sink.lines.length;
    const answer = await fetch(`${service.url}/api/v1/no-such-route?token=secret-value-123`);
    expect(answer.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = sink.lines.slice(before).filter((line) => line.reqId !== undefined);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line.msg).toBe('request completed');
    expect(line.res).toEqual({ statusCode: 401 });
    expect(typeof line.responseTime).toBe('number');
    expect((line.req as { method: string; url: string }).method).toBe('GET');
    expect(JSON.stringify(line)).not.toContain('secret-value-123');
  });
});
