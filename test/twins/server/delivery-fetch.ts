import { rootCertificates } from 'node:tls';
import { Agent, fetch } from 'undici';
import { testCaPem } from './twin-server.js';

/**
 * What a twin's outgoing hook deliveries are sent with: the public roots plus the twins' test CA (so a receiver
 * with the test certificate is trusted, as a real SCM trusts a real one), no redirects, a 10 s limit.
 */
export function createDeliveryFetch(): {
  send(url: string, headers: Record<string, string>, body: string): Promise<number>;
  close(): Promise<void>;
} {
  const agent = new Agent({ connect: { ca: [...rootCertificates, testCaPem()] } });
  return {
    async send(url, headers, body) {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        dispatcher: agent,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      return response.status;
    },
    close: () => agent.close(),
  };
}
