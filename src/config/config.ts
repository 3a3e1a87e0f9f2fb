import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ContentLimits } from '../scm/github/content-pacer.js';
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
  /**
   * SCM_CONNECT_MEMBERSHIP_EVERY: how often accounts whose membership GitHub or GitLab manages are reconciled
   * with their organization or group, in ms (default 1 h; from `1m` to `24d`).
   */
  readonly membershipEveryMs: number;
  /**
   * SCM_CONNECT_GITHUB_CONTENT_LIMITS: GitHub's secondary limits on content creation (comments, pull requests,
   * branches, files, Actions secrets) per app installation, which every installation is paced to: two
   * `<count>/<window>` pairs (default `80/1m,500/1h`, github.com's; a GitHub Enterprise Server admin may set others).
   */
  readonly githubContentLimits: Required<ContentLimits>;
  /** Where the cloud SCMs are; only changed for a proxy, a regional endpoint, or the offline demo. */
  readonly cloudUrls: CloudUrls;
  /**
   * The instance's GitHub App on github.com, when the operator configured it in the environment
   * (`SCM_CONNECT_GITHUB_APP_*`, all or none); otherwise an instance admin creates it through the manifest flow.
   */
  readonly githubApp: GitHubAppConfig | undefined;
}

/** A GitHub App given in the environment. Ids are integer strings. */
export interface GitHubAppConfig {
  /** SCM_CONNECT_GITHUB_APP_ID: the app's numeric id. */
  readonly appId: string;
  /** SCM_CONNECT_GITHUB_APP_SLUG: the app's URL name (github.com/apps/{slug}). */
  readonly slug: string;
  /** SCM_CONNECT_GITHUB_APP_PRIVATE_KEY (PEM text) or SCM_CONNECT_GITHUB_APP_PRIVATE_KEY_FILE (its path). */
  readonly privateKey: string;
  /** SCM_CONNECT_GITHUB_APP_WEBHOOK_SECRET. */
  readonly webhookSecret: string;
  /** SCM_CONNECT_GITHUB_APP_CLIENT_ID. */
  readonly clientId: string;
  /** SCM_CONNECT_GITHUB_APP_CLIENT_SECRET. */
  readonly clientSecret: string;
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

const contentLimitsMessage =
  'must be two <count>/<window> pairs with different windows, such as 80/1m,500/1h (counts from 1 to 1000000, windows from 1s to 1d)';

/** `80/1m,500/1h`: the shorter window becomes the "minute", the longer the "hour"; undefined when malformed. */
export function parseContentLimits(text: string): Required<ContentLimits> | undefined {
  const pairs = text.split(',').map((pair) => {
    const match = /^\s*([1-9][0-9]{0,6})\s*\/\s*([0-9a-z]+)\s*$/.exec(pair);
    const count = match ? Number(match[1]) : NaN;
    const windowMs = match ? parseDuration(match[2]!) : undefined;
    return count <= 1_000_000 && windowMs !== undefined && windowMs >= 1_000 && windowMs <= 86_400_000
      ? { count, windowMs }
      : undefined;
  });
  if (pairs.length !== 2 || !pairs[0] || !pairs[1] || pairs[0].windowMs === pairs[1].windowMs)
    return undefined;
  const [short, long] = pairs[0].windowMs < pairs[1].windowMs ? [pairs[0], pairs[1]] : [pairs[1], pairs[0]];
  return { perMinute: short.count, minuteMs: short.windowMs, perHour: long.count, hourMs: long.windowMs };
}

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
  SCM_CONNECT_MEMBERSHIP_EVERY: z
    .string()
    .default('1h')
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms < 60_000 || ms > 24 * 86_400_000) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration from 1m to 24d, such as 1h or 15m' });
        return z.NEVER;
      }
      return ms;
    }),
  SCM_CONNECT_GITHUB_CONTENT_LIMITS: z
    .string()
    .default('80/1m,500/1h')
    .transform((text, ctx) => {
      const limits = parseContentLimits(text);
      if (!limits) {
        ctx.addIssue({ code: 'custom', message: contentLimitsMessage });
        return z.NEVER;
      }
      return limits;
    }),
  SCM_CONNECT_GITLAB_URL: httpUrl.default('https://gitlab.com'),
  SCM_CONNECT_BITBUCKET_API_URL: httpUrl.default('https://api.bitbucket.org'),
  SCM_CONNECT_BITBUCKET_WEB_URL: httpUrl.default('https://bitbucket.org'),
  SCM_CONNECT_AZURE_DEVOPS_URL: httpUrl.default('https://dev.azure.com'),
  SCM_CONNECT_GITHUB_API_URL: httpUrl.default('https://api.github.com'),
  SCM_CONNECT_GITHUB_WEB_URL: httpUrl.default('https://github.com'),
  SCM_CONNECT_GITHUB_APP_ID: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, "must be the app's numeric id")
    .optional(),
  SCM_CONNECT_GITHUB_APP_SLUG: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "must be the app's slug, as in github.com/apps/{slug}")
    .optional(),
  SCM_CONNECT_GITHUB_APP_PRIVATE_KEY: z.string().optional(),
  SCM_CONNECT_GITHUB_APP_PRIVATE_KEY_FILE: z.string().optional(),
  SCM_CONNECT_GITHUB_APP_WEBHOOK_SECRET: z
    .string()
    .min(8, 'must be at least 8 characters')
    .max(1000)
    .optional(),
  SCM_CONNECT_GITHUB_APP_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, "must be the app's client id")
    .optional(),
  SCM_CONNECT_GITHUB_APP_CLIENT_SECRET: z.string().min(1).max(1000).optional(),
});

type Values = z.infer<typeof schema>;

/** The app of `SCM_CONNECT_GITHUB_APP_*`: all of them or none; a problem is named, its value never echoed. */
function readGitHubApp(values: Values, problems: string[]): GitHubAppConfig | undefined {
  const given = {
    SCM_CONNECT_GITHUB_APP_ID: values.SCM_CONNECT_GITHUB_APP_ID,
    SCM_CONNECT_GITHUB_APP_SLUG: values.SCM_CONNECT_GITHUB_APP_SLUG,
    SCM_CONNECT_GITHUB_APP_WEBHOOK_SECRET: values.SCM_CONNECT_GITHUB_APP_WEBHOOK_SECRET,
    SCM_CONNECT_GITHUB_APP_CLIENT_ID: values.SCM_CONNECT_GITHUB_APP_CLIENT_ID,
    SCM_CONNECT_GITHUB_APP_CLIENT_SECRET: values.SCM_CONNECT_GITHUB_APP_CLIENT_SECRET,
  };
  const keyText = values.SCM_CONNECT_GITHUB_APP_PRIVATE_KEY;
  const keyFile = values.SCM_CONNECT_GITHUB_APP_PRIVATE_KEY_FILE;
  const set = Object.values(given).filter((v) => v !== undefined).length + ((keyText ?? keyFile) ? 1 : 0);
  if (set === 0) return undefined;
  const missing = Object.entries(given)
    .filter(([, v]) => v === undefined)
    .map(([name]) => name);
  if (!keyText && !keyFile) missing.push('SCM_CONNECT_GITHUB_APP_PRIVATE_KEY (or _PRIVATE_KEY_FILE)');
  if (keyText && keyFile) {
    problems.push('SCM_CONNECT_GITHUB_APP_PRIVATE_KEY_FILE: set the key or its file, not both');
    return undefined;
  }
  if (missing.length > 0) {
    problems.push(
      `SCM_CONNECT_GITHUB_APP_*: also set ${missing.join(', ')} (the app is configured with all of them or none)`,
    );
    return undefined;
  }
  let privateKey = keyText?.replace(/\\n/g, '\n');
  if (keyFile) {
    try {
      privateKey = readFileSync(keyFile, 'utf8');
    } catch {
      problems.push('SCM_CONNECT_GITHUB_APP_PRIVATE_KEY_FILE: the file cannot be read');
      return undefined;
    }
  }
  try {
    createPrivateKey(privateKey!);
  } catch {
    problems.push(
      `${keyFile ? 'SCM_CONNECT_GITHUB_APP_PRIVATE_KEY_FILE' : 'SCM_CONNECT_GITHUB_APP_PRIVATE_KEY'}: is not a PEM private key (download one from the app's settings on GitHub)`,
    );
    return undefined;
  }
  return {
    appId: given.SCM_CONNECT_GITHUB_APP_ID!,
    slug: given.SCM_CONNECT_GITHUB_APP_SLUG!,
    privateKey: privateKey!,
    webhookSecret: given.SCM_CONNECT_GITHUB_APP_WEBHOOK_SECRET!,
    clientId: given.SCM_CONNECT_GITHUB_APP_CLIENT_ID!,
    clientSecret: given.SCM_CONNECT_GITHUB_APP_CLIENT_SECRET!,
  };
}

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
  const githubApp = readGitHubApp(values, problems);
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
    membershipEveryMs: values.SCM_CONNECT_MEMBERSHIP_EVERY,
    githubContentLimits: values.SCM_CONNECT_GITHUB_CONTENT_LIMITS,
    cloudUrls: {
      gitlab: new URL(values.SCM_CONNECT_GITLAB_URL),
      bitbucketApi: new URL(values.SCM_CONNECT_BITBUCKET_API_URL),
      bitbucketWeb: new URL(values.SCM_CONNECT_BITBUCKET_WEB_URL),
      azureDevOps: new URL(values.SCM_CONNECT_AZURE_DEVOPS_URL),
      githubApi: new URL(values.SCM_CONNECT_GITHUB_API_URL),
      githubWeb: new URL(values.SCM_CONNECT_GITHUB_WEB_URL),
    },
    githubApp,
  };
}
