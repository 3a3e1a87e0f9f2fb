import path from 'node:path';
import { z } from 'zod';
import { parseAllowlist, type AllowlistEntry } from '../scm/http/allowlist.js';
import { parseDuration } from './duration.js';

/** Everything the service reads from its environment, validated once at start-up. */
export interface Config {
  /** SCM_CONNECT_PORT: the HTTP port (default 8080; 0 picks a free one). */
  readonly port: number;
  /** SCM_CONNECT_HOST: the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface). */
  readonly host: string;
  /** SCM_CONNECT_PUBLIC_URL: how people reach the service (default http://localhost:{port}); links and the CSRF origin check use it. */
  readonly publicUrl: URL | undefined;
  /** SCM_CONNECT_DATA_DIR: SQLite database and the key file (default ./data). */
  readonly dataDir: string;
  /** DATABASE_URL: a postgres:// URL to use PostgreSQL instead of the embedded SQLite. */
  readonly databaseUrl: string | undefined;
  /** SCM_CONNECT_MASTER_KEY: 32-byte key(s), base64 or hex, comma-separated, first encrypts (default: a key file in the data dir). */
  readonly masterKey: string | undefined;
  /** SCM_CONNECT_ALLOWED_HOSTS: private addresses SCM connections may reach (CIDR or host[:port], `@accountId` to scope). */
  readonly allowedHosts: readonly AllowlistEntry[];
  /** SCM_CONNECT_ALLOW_HTTP: allow plain-http SCM URLs (default false). */
  readonly allowHttp: boolean;
  /** SCM_CONNECT_LOG_LEVEL: fatal | error | warn | info | debug | trace | silent (default info). */
  readonly logLevel: string;
  /** SCM_CONNECT_SESSION_HOURS: how long a sign-in lasts (default 12). */
  readonly sessionHours: number;
  /** SCM_CONNECT_TRUST_PROXY: trust X-Forwarded-* from a reverse proxy (default false). */
  readonly trustProxy: boolean;
  /** SCM_CONNECT_METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <this token>` (default: open). */
  readonly metricsToken: string | undefined;
  /** SCM_CONNECT_WORKER: whether `serve` runs the background worker too (default true; `scm-connect worker` always does). */
  readonly worker: boolean;
  /** SCM_CONNECT_WORKER_CONCURRENCY: jobs one worker process runs at once (default 2). */
  readonly workerConcurrency: number;
  /** SCM_CONNECT_SYNC_EVERY: how often every connection's repositories are synced, in ms (default 6 h; `6h`, `30m`). */
  readonly syncEveryMs: number;
  /** Where the cloud SCMs are; only changed for a proxy, a regional endpoint, or the offline demo. */
  readonly cloudUrls: CloudUrls;
}

export interface CloudUrls {
  /** SCM_CONNECT_GITLAB_URL (default https://gitlab.com). */
  readonly gitlab: URL;
  /** SCM_CONNECT_BITBUCKET_API_URL (default https://api.bitbucket.org). */
  readonly bitbucketApi: URL;
  /** SCM_CONNECT_BITBUCKET_WEB_URL (default https://bitbucket.org). */
  readonly bitbucketWeb: URL;
  /** SCM_CONNECT_AZURE_DEVOPS_URL (default https://dev.azure.com). */
  readonly azureDevOps: URL;
  /** SCM_CONNECT_GITHUB_API_URL (default https://api.github.com). */
  readonly githubApi: URL;
  /** SCM_CONNECT_GITHUB_WEB_URL (default https://github.com). */
  readonly githubWeb: URL;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

const schema = z.object({
  SCM_CONNECT_PORT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(8080),
  SCM_CONNECT_HOST: z.string().min(1).default('127.0.0.1'),
  SCM_CONNECT_PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://scm-connect.example.com' })
    .optional(),
  SCM_CONNECT_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  SCM_CONNECT_MASTER_KEY: z.string().min(1).optional(),
  SCM_CONNECT_ALLOWED_HOSTS: z.string().default(''),
  SCM_CONNECT_ALLOW_HTTP: booleanText.default(false),
  SCM_CONNECT_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  SCM_CONNECT_SESSION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(12),
  SCM_CONNECT_TRUST_PROXY: booleanText.default(false),
  SCM_CONNECT_METRICS_TOKEN: z
    .string()
    .regex(
      /^[A-Za-z0-9._~+/=-]{16,512}$/,
      'must be 16 to 512 letters, digits or -._~+/= (for example the output of `openssl rand -hex 32`)',
    )
    .optional(),
  SCM_CONNECT_WORKER: booleanText.default(true),
  SCM_CONNECT_WORKER_CONCURRENCY: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 64')
    .max(64, 'must be between 1 and 64')
    .default(2),
  SCM_CONNECT_SYNC_EVERY: z
    .string()
    .default('6h')
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms < 60_000 || ms > 24 * 86_400_000) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration from 1m to 24d, such as 6h or 30m' });
        return z.NEVER;
      }
      return ms;
    }),
  SCM_CONNECT_GITLAB_URL: httpUrl.default('https://gitlab.com'),
  SCM_CONNECT_BITBUCKET_API_URL: httpUrl.default('https://api.bitbucket.org'),
  SCM_CONNECT_BITBUCKET_WEB_URL: httpUrl.default('https://bitbucket.org'),
  SCM_CONNECT_AZURE_DEVOPS_URL: httpUrl.default('https://dev.azure.com'),
  SCM_CONNECT_GITHUB_API_URL: httpUrl.default('https://api.github.com'),
  SCM_CONNECT_GITHUB_WEB_URL: httpUrl.default('https://github.com'),
});

/** Reads and validates the configuration; throws ConfigError listing every problem (no value is echoed). */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const values = parsed.data;
  let allowedHosts: AllowlistEntry[] = [];
  try {
    allowedHosts = parseAllowlist(values.SCM_CONNECT_ALLOWED_HOSTS);
  } catch (error) {
    problems.push(`SCM_CONNECT_ALLOWED_HOSTS: ${error instanceof Error ? error.message : 'invalid'}`);
  }
  const publicUrl = values.SCM_CONNECT_PUBLIC_URL ? new URL(values.SCM_CONNECT_PUBLIC_URL) : undefined;
  if (publicUrl && (publicUrl.pathname !== '/' || publicUrl.search || publicUrl.hash || publicUrl.username)) {
    problems.push('SCM_CONNECT_PUBLIC_URL: must be an origin only, such as https://scm-connect.example.com');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port: values.SCM_CONNECT_PORT,
    host: values.SCM_CONNECT_HOST,
    publicUrl,
    dataDir: path.resolve(values.SCM_CONNECT_DATA_DIR),
    databaseUrl: values.DATABASE_URL,
    masterKey: values.SCM_CONNECT_MASTER_KEY,
    allowedHosts,
    allowHttp: values.SCM_CONNECT_ALLOW_HTTP,
    logLevel: values.SCM_CONNECT_LOG_LEVEL,
    sessionHours: values.SCM_CONNECT_SESSION_HOURS,
    trustProxy: values.SCM_CONNECT_TRUST_PROXY,
    metricsToken: values.SCM_CONNECT_METRICS_TOKEN,
    worker: values.SCM_CONNECT_WORKER,
    workerConcurrency: values.SCM_CONNECT_WORKER_CONCURRENCY,
    syncEveryMs: values.SCM_CONNECT_SYNC_EVERY,
    cloudUrls: {
      gitlab: new URL(values.SCM_CONNECT_GITLAB_URL),
      bitbucketApi: new URL(values.SCM_CONNECT_BITBUCKET_API_URL),
      bitbucketWeb: new URL(values.SCM_CONNECT_BITBUCKET_WEB_URL),
      azureDevOps: new URL(values.SCM_CONNECT_AZURE_DEVOPS_URL),
      githubApi: new URL(values.SCM_CONNECT_GITHUB_API_URL),
      githubWeb: new URL(values.SCM_CONNECT_GITHUB_WEB_URL),
    },
  };
}
