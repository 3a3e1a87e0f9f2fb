import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createCliApi, type CliApi } from './api-client.js';

export const connectionsUsage = `scm-connect connections — manage source code manager connections through the API

Usage:
  scm-connect connections list [--json]
  scm-connect connections add --kind KIND [fields] [--json]     the token is read from standard input (not for github-enterprise)
  scm-connect connections test ID [--json]
  scm-connect connections sync ID [--wait]
  scm-connect connections remove ID --yes

Kinds and their fields:
  gitlab                  --group G
  gitlab-self-managed     --base-url URL --group G [--ca-file PEM]
  bitbucket-cloud         --workspace W [--email E]
  bitbucket-data-center   --base-url URL --project-key K [--ca-file PEM]
  azure-devops            --organization O
  github-enterprise       --base-url URL --organization O [--ca-file PEM]   then Register app in Settings
  any kind                [--name N]

Environment: SCM_CONNECT_URL (default http://127.0.0.1:8080), SCM_CONNECT_API_TOKEN (an admin API token of
the account, from Settings > API tokens).
`;

interface Problem {
  code: string;
  message: string;
}

interface Connection {
  id: string;
  kind: string;
  name: string;
  target: string;
  baseUrl: string;
  status: string;
  statusReason: (Problem & { source: string }) | null;
  repositoryCount: number;
  lastSyncedAt: string | null;
  syncError: Problem | null;
}

/** One line per connection; a connection that needs attention says why (with the code scripts match on). */
export function formatConnection(c: Connection): string {
  const reason = c.statusReason ? `  ${c.statusReason.code}: ${c.statusReason.message}` : '';
  const syncError =
    c.syncError && c.statusReason?.source !== 'sync'
      ? `  last sync failed (${c.syncError.code}): ${c.syncError.message}`
      : '';
  return `${c.id}  ${c.kind.padEnd(22)} ${c.target}  ${c.status}  ${c.repositoryCount} repositories${reason}${syncError}`;
}

interface Check {
  status: string;
  message: string;
  fix?: string;
}

interface Report {
  ok: boolean;
  status: string;
  reachable: Check;
  target: Check;
  identity?: { login: string };
  serverVersion?: string;
  scopes?: { granted: string[]; needed: string[]; missing: string[] };
  tokenExpiry?: { expiresAt?: string | null; status: string; warning?: string };
  capabilities: (Check & { label: string })[];
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

const mark = (status: string) =>
  ({ ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skipped: 'skip' })[status] ?? status;

export function formatReport(report: Report): string {
  const lines = [`Test connection: ${report.status.toUpperCase()}`];
  const row = (label: string, check: Check) => {
    lines.push(`  [${mark(check.status)}] ${label}: ${check.message}`);
    if (check.fix && check.status !== 'ok') lines.push(`         fix: ${check.fix}`);
  };
  row('reachable', report.reachable);
  if (report.identity) lines.push(`  identity: ${report.identity.login}`);
  if (report.serverVersion) lines.push(`  server version: ${report.serverVersion}`);
  if (report.scopes) {
    lines.push(
      `  scopes: granted ${report.scopes.granted.join(', ') || '—'}; needed ${report.scopes.needed.join(', ') || '—'}`,
    );
  }
  row('target', report.target);
  if (report.tokenExpiry)
    lines.push(
      `  token expires: ${report.tokenExpiry.expiresAt === undefined ? 'not readable' : (report.tokenExpiry.expiresAt ?? 'never')}${report.tokenExpiry.warning ? ` (${report.tokenExpiry.warning})` : ''}`,
    );
  for (const capability of report.capabilities) row(capability.label, capability);
  return lines.join('\n');
}

export async function runConnections(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      kind: { type: 'string' },
      group: { type: 'string' },
      workspace: { type: 'string' },
      'project-key': { type: 'string' },
      organization: { type: 'string' },
      'base-url': { type: 'string' },
      email: { type: 'string' },
      'ca-file': { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean' },
      wait: { type: 'boolean' },
      yes: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, id] = positionals;
  if (values.help || !action) {
    process.stdout.write(connectionsUsage);
    return action || values.help ? 0 : 2;
  }
  const api: CliApi = createCliApi({
    url: env.SCM_CONNECT_URL ?? 'http://127.0.0.1:8080',
    token: env.SCM_CONNECT_API_TOKEN,
  });
  const account = await api.accountId();
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const needId = () => {
    if (!id)
      throw new Error(`connections ${action} needs the connection id (see: scm-connect connections list).`);
    return id;
  };
  switch (action) {
    case 'list': {
      const { items } = await api.call<{ items: Connection[] }>('GET', `/accounts/${account}/connections`);
      if (values.json) out(JSON.stringify(items, null, 2));
      else if (items.length === 0) out('No source code managers connected yet.');
      else for (const c of items) out(formatConnection(c));
      return 0;
    }
    case 'add': {
      // A GitHub Enterprise Server entry has no token: its app is registered from Settings afterwards.
      const appBased = values.kind === 'github-enterprise';
      const body: Record<string, string> = { kind: values.kind ?? '' };
      if (!appBased) body.token = env.SCM_CONNECT_SCM_TOKEN ?? (await readStdin());
      const fields: [keyof typeof values, string][] = [
        ['group', 'group'],
        ['workspace', 'workspace'],
        ['project-key', 'projectKey'],
        ['organization', 'organization'],
        ['base-url', 'baseUrl'],
        ['email', 'email'],
        ['name', 'name'],
      ];
      for (const [flag, field] of fields) {
        const value = values[flag];
        if (typeof value === 'string') body[field] = value;
      }
      if (values['ca-file']) body.caPem = readFileSync(values['ca-file'], 'utf8');
      const created = await api.call<Connection>('POST', `/accounts/${account}/connections`, body);
      out(
        values.json
          ? JSON.stringify(created, null, 2)
          : appBased
            ? `Added ${created.kind} ${created.target} as ${created.id}; click Register app on it in Settings > Source Code Managers.`
            : `Connected ${created.kind} ${created.target} as ${created.id}; the first sync is queued.`,
      );
      return 0;
    }
    case 'test': {
      const report = await api.call<Report>('POST', `/accounts/${account}/connections/${needId()}/test`);
      out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
      return report.ok ? 0 : 1;
    }
    case 'sync': {
      let { job } = await api.call<{ job: { id: string; status: string; lastError: string | null } }>(
        'POST',
        `/accounts/${account}/connections/${needId()}/sync`,
      );
      if (!values.wait) {
        out(`Sync queued as job ${job.id}.`);
        return 0;
      }
      while (job.status === 'queued' || job.status === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 500));
        job = await api.call('GET', `/accounts/${account}/jobs/${job.id}`);
      }
      out(job.status === 'succeeded' ? 'Sync finished.' : `Sync ${job.status}: ${job.lastError ?? ''}`);
      return job.status === 'succeeded' ? 0 : 1;
    }
    case 'remove': {
      if (!values.yes) {
        process.stderr.write(
          'Removing a connection also removes its organizations and repositories: add --yes to confirm.\n',
        );
        return 2;
      }
      await api.call('DELETE', `/accounts/${account}/connections/${needId()}`);
      out('Removed.');
      return 0;
    }
    default:
      process.stderr.write(`Unknown action "${action}".\n\n${connectionsUsage}`);
      return 2;
  }
}
