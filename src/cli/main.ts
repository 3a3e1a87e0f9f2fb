import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config.js';
import { runAdminCreate } from './admin-create.js';
import { CliApiError } from './api-client.js';
import { runConnections } from './connections.js';
import { runKeysRotate } from './keys-rotate.js';
import { runMigrate } from './migrate.js';
import { runScans } from './scans.js';
import { runServe } from './serve.js';
import { runWorker } from './worker.js';

const usage = `scm-connect — connect source code managers to your code-scanning platform

Usage: scm-connect <command> [options]

Commands:
  serve                     Start the service (web UI, API and, unless SCM_CONNECT_WORKER=false, the worker)
  worker                    Run background jobs and schedules only, without the web server
  migrate                   Bring the database schema up to date and exit
  keys rotate [--remove-old]
                            Add a new master key, re-encrypt every secret under it; with --remove-old,
                            drop the old keys from the key file afterwards
  admin create --email E --name N [--account A]
                            Create an admin (password from SCM_CONNECT_ADMIN_PASSWORD or stdin, else generated)
  connections list | add | test | sync | remove
                            Manage connections through the API of a running service
                            (scm-connect connections --help)
  scans upload FILE [--repository R] [--commit SHA] [--branch B] [--pull-request N] [--wait]
                            Upload a scanner's SARIF log from a CI job; the context comes from the CI's
                            variables when not given (scm-connect scans --help)

Configuration comes from the environment (see README): SCM_CONNECT_PORT, SCM_CONNECT_HOST,
SCM_CONNECT_PUBLIC_URL, SCM_CONNECT_DATA_DIR, DATABASE_URL, SCM_CONNECT_MASTER_KEY,
SCM_CONNECT_ALLOWED_HOSTS, SCM_CONNECT_ALLOW_HTTP, SCM_CONNECT_LOG_LEVEL, SCM_CONNECT_SESSION_HOURS,
SCM_CONNECT_WORKER, SCM_CONNECT_WORKER_CONCURRENCY, SCM_CONNECT_SYNC_EVERY.

Options:
  -h, --help                Show this help
`;

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'connections') return runConnections(argv.slice(1));
  if (argv[0] === 'scans') return runScans(argv.slice(1));
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      email: { type: 'string' },
      name: { type: 'string' },
      account: { type: 'string' },
      'remove-old': { type: 'boolean' },
    },
  });
  const [command, sub] = positionals;
  if (values.help || !command) {
    process.stdout.write(usage);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig(process.env);
  switch (`${command}${sub ? ` ${sub}` : ''}`) {
    case 'serve':
      return runServe(config);
    case 'worker':
      return runWorker(config);
    case 'migrate':
      return runMigrate(config);
    case 'keys rotate':
      return runKeysRotate(config, { removeOld: values['remove-old'] ?? false });
    case 'admin create':
      return runAdminCreate(config, { email: values.email, name: values.name, account: values.account });
    default:
      process.stderr.write(`Unknown command "${positionals.join(' ')}".\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof CliApiError)
      process.stderr.write(`${error.message}${error.code ? ` (${error.code})` : ''}\n`);
    else if (error instanceof Error && 'code' in error && error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`${error.message}\nRun scm-connect --help for usage.\n`);
    } else process.stderr.write(`scm-connect: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
  },
);
