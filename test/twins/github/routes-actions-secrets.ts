import sodium from 'libsodium-wrappers';
import type { createApi } from './api.js';
import { ghError, notFound } from './errors.js';
import { jsonBody } from './route-helpers.js';
import type { ActionsSecretsRecord, GitHubState, RepoRecord } from './state.js';
import { iso } from './state.js';

type Api = ReturnType<typeof createApi>;

const DOCS = 'https://docs.github.com/rest/actions/secrets';
const PUT_DOCS = `${DOCS}#create-or-update-a-repository-secret`;

/** The repository's secrets and key pair, made on first use (GitHub keeps one key per repository). */
export async function actionsSecretsOf(state: GitHubState, repo: RepoRecord): Promise<ActionsSecretsRecord> {
  await sodium.ready;
  let record = state.actionsSecrets.get(repo.id);
  if (!record) {
    record = { ...newKeyPair(state), secrets: new Map() };
    state.actionsSecrets.set(repo.id, record);
  }
  return record;
}

/** A new X25519 key pair with a numeric `key_id`, as GitHub's look ("012345678912345678"). */
export function newKeyPair(
  state: GitHubState,
): Pick<ActionsSecretsRecord, 'keyId' | 'publicKey' | 'privateKey'> {
  const pair = sodium.crypto_box_keypair();
  return {
    keyId: `5682501672${String(state.newId()).padStart(8, '0')}`,
    publicKey: pair.publicKey,
    privateKey: pair.privateKey,
  };
}

/** The plaintext a sealed box holds, or undefined when it does not open with the key pair. */
function open(record: ActionsSecretsRecord, encrypted: string): string | undefined {
  try {
    const sealed = Buffer.from(encrypted, 'base64');
    const plain = sodium.crypto_box_seal_open(sealed, record.publicKey, record.privateKey);
    return Buffer.from(plain).toString('utf8');
  } catch {
    return undefined;
  }
}

const improperlyEncrypted = () =>
  ghError(422, 'Bad request - validation failed due to an improperly encrypted secret', { docs: PUT_DOCS });

/**
 * "REST API endpoints for GitHub Actions secrets" (repository secrets): list, get, public key, create or update
 * (sealed with libsodium `crypto_box_seal` to the repository's public key), delete. Reading needs the app's
 * `secrets: read`, writing `secrets: write`; values are never served.
 */
export function registerActionsSecretRoutes(api: Api, state: GitHubState): void {
  const shape = (name: string, secret: { createdAt: string; updatedAt: string }) => ({
    name,
    created_at: secret.createdAt,
    updated_at: secret.updatedAt,
  });

  // GET /repos/{owner}/{repo}/actions/secrets
  api.route('GET', '/repos/:owner/:repo/actions/secrets', 'token', async (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['secrets', 'read']);
    const record = await actionsSecretsOf(state, repo);
    const all = [...record.secrets].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, s]) => shape(n, s));
    const page = ctx.paginate(all);
    return { headers: page.headers, body: { total_count: all.length, secrets: page.items } };
  });

  // GET /repos/{owner}/{repo}/actions/secrets/public-key
  api.route('GET', '/repos/:owner/:repo/actions/secrets/public-key', 'token', async (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['secrets', 'read']);
    const record = await actionsSecretsOf(state, repo);
    return { body: { key_id: record.keyId, key: Buffer.from(record.publicKey).toString('base64') } };
  });

  // GET /repos/{owner}/{repo}/actions/secrets/{secret_name}
  api.route('GET', '/repos/:owner/:repo/actions/secrets/:name', 'token', async (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['secrets', 'read']);
    const name = req.params.name!.toUpperCase();
    const secret = (await actionsSecretsOf(state, repo)).secrets.get(name);
    if (!secret) throw notFound(`${DOCS}#get-a-repository-secret`);
    return { body: shape(name, secret) };
  });

  // PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}
  api.route(
    'PUT',
    '/repos/:owner/:repo/actions/secrets/:name',
    'token',
    async (req, ctx) => {
      const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
      ctx.need(['secrets', 'write']);
      const body = jsonBody(req);
      for (const field of ['encrypted_value', 'key_id']) {
        if (typeof body[field] !== 'string') {
          throw ghError(422, `Invalid request.\n\n"${field}" wasn't supplied.`, { docs: PUT_DOCS });
        }
      }
      const record = await actionsSecretsOf(state, repo);
      if (body.key_id !== record.keyId) throw improperlyEncrypted();
      const value = open(record, body.encrypted_value as string);
      if (value === undefined) throw improperlyEncrypted();
      const name = req.params.name!.toUpperCase();
      const now = iso(state.now());
      const existing = record.secrets.get(name);
      record.secrets.set(name, { value, createdAt: existing?.createdAt ?? now, updatedAt: now });
      return existing ? { status: 204, body: undefined } : { status: 201, body: {} };
    },
    true,
  );

  // DELETE /repos/{owner}/{repo}/actions/secrets/{secret_name}
  api.route('DELETE', '/repos/:owner/:repo/actions/secrets/:name', 'token', async (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
    ctx.need(['secrets', 'write']);
    const record = await actionsSecretsOf(state, repo);
    if (!record.secrets.delete(req.params.name!.toUpperCase())) {
      throw notFound(`${DOCS}#delete-a-repository-secret`);
    }
    return { status: 204, body: undefined };
  });
}
