import { z } from 'zod';
import { ScmError } from '../errors.js';
import type { ScmHttp } from '../http/index.js';

const metaSchema = z.object({ installed_version: z.string().optional() });

const versionPattern = /^\d+\.\d+(\.\d+)?$/;

/**
 * Whether the instance at `http`'s base (its root) is a GitHub Enterprise Server, and which version: `GET
 * {root}/api/v3/meta` needs no credentials and answers, on an Enterprise Server, with `installed_version` and
 * the `x-github-enterprise-version` header. Anything else (another product, github.com) is refused as such.
 */
export async function probeEnterpriseServer(http: ScmHttp): Promise<{ readonly version: string }> {
  const prefix = http.baseUrl.pathname.replace(/\/+$/, '');
  // GET /api/v3/meta
  const answer = await http.request({ path: `${prefix}/api/v3/meta` }, metaSchema).catch((error: unknown) => {
    const notGitHub =
      error instanceof ScmError &&
      (error.kind === 'not-found' || ['upstream_invalid_response', 'upstream_rejected'].includes(error.code));
    if (notGitHub) throw notEnterprise();
    throw error;
  });
  const version = answer.headers['x-github-enterprise-version'] ?? answer.data.installed_version;
  if (version === undefined || !versionPattern.test(version)) throw notEnterprise();
  return { version };
}

const notEnterprise = () =>
  new ScmError(
    'invalid',
    'The URL does not answer as a GitHub Enterprise Server (`/api/v3/meta` gave no version).',
    {
      code: 'not_github_enterprise',
      fix: 'Enter the address of your GitHub Enterprise Server (the one you sign in at), e.g. https://github.example.com.',
    },
  );
