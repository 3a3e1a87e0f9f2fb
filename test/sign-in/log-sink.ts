import { Writable } from 'node:stream';
import { createLogger } from '../../src/core/log.js';

/** The service's log lines, kept as written (JSON text), at `info` and above. */
export function logSink(): { readonly lines: string[]; readonly logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination: stream }) };
}
