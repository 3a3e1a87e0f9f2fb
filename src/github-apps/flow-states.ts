import type { Db } from '../db/database.js';
import type { GitHubFlowPurpose } from '../db/schema.js';
import { hashToken, issueToken } from '../core/tokens.js';

/** How long a redirect to GitHub may take before its `state` is refused. */
export const flowStateLifetimeMs = 10 * 60_000;

export interface FlowOwner {
  readonly accountId: string;
  readonly userId: string;
  /** The session's `id_hash`. */
  readonly sessionHash: string;
}

export interface MintedFlowState {
  /** The `state` query parameter. */
  readonly state: string;
  /** The value of the nonce cookie set with it. */
  readonly nonce: string;
}

export interface ConsumedFlowState {
  readonly purpose: GitHubFlowPurpose;
  readonly accountId: string;
  readonly userId: string;
  readonly details: unknown;
  /** The nonce cookie matched the one set when the flow started. */
  readonly nonceMatched: boolean;
}

/** Starts a flow: a random `state` and nonce, of which only hashes are stored. */
export async function mintFlowState(
  db: Db,
  owner: FlowOwner,
  purpose: GitHubFlowPurpose,
  details: unknown,
  now: Date,
): Promise<MintedFlowState> {
  const state = issueToken();
  const nonce = issueToken();
  await db
    .insertInto('github_flow_states')
    .values({
      state_hash: state.hash,
      purpose,
      account_id: owner.accountId,
      user_id: owner.userId,
      session_hash: owner.sessionHash,
      nonce_hash: nonce.hash,
      details: details === undefined ? null : JSON.stringify(details),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + flowStateLifetimeMs).toISOString(),
    })
    .execute();
  return { state: state.value, nonce: nonce.value };
}

type FlowStateRow = NonNullable<Awaited<ReturnType<typeof findRow>>>;

const findRow = (db: Db, state: string) =>
  db
    .selectFrom('github_flow_states')
    .selectAll()
    .where('state_hash', '=', hashToken(state))
    .executeTakeFirst();

/** A stored state as this redirect may use it: of one of `purposes`, this session's, not expired. */
function usable(
  row: FlowStateRow | undefined,
  input: {
    readonly purpose: GitHubFlowPurpose | readonly GitHubFlowPurpose[];
    readonly sessionHash: string;
    readonly now: Date;
  },
): Omit<ConsumedFlowState, 'nonceMatched'> | undefined {
  if (!row) return undefined;
  const purposes: readonly GitHubFlowPurpose[] =
    typeof input.purpose === 'string' ? [input.purpose] : input.purpose;
  if (!purposes.includes(row.purpose) || row.session_hash !== input.sessionHash) return undefined;
  if (row.expires_at <= input.now.toISOString()) return undefined;
  return {
    purpose: row.purpose,
    accountId: row.account_id,
    userId: row.user_id,
    details: row.details === null ? undefined : (JSON.parse(row.details) as unknown),
  };
}

const wellFormed = (state: string) => state.length > 0 && state.length <= 200;

/**
 * Takes a `state` back, once: the row is deleted whatever the outcome, so a second use finds nothing. Answers
 * undefined for a state that is unknown, used, expired, of another purpose, or minted for another session.
 */
export async function consumeFlowState(
  db: Db,
  input: {
    readonly state: string;
    /** The purpose, or the purposes, a state of this redirect may have. */
    readonly purpose: GitHubFlowPurpose | readonly GitHubFlowPurpose[];
    readonly sessionHash: string;
    readonly nonce: string | undefined;
    readonly now: Date;
  },
): Promise<ConsumedFlowState | undefined> {
  if (!wellFormed(input.state)) return undefined;
  const row = await db
    .deleteFrom('github_flow_states')
    .where('state_hash', '=', hashToken(input.state))
    .returningAll()
    .executeTakeFirst();
  const flow = usable(row, input);
  if (!flow) return undefined;
  return { ...flow, nonceMatched: input.nonce !== undefined && hashToken(input.nonce) === row!.nonce_hash };
}

/**
 * Reads a `state` without using it up: what an intermediate page of the same session (the manifest hand-off)
 * needs to show. Undefined for a state that is unknown, expired, of another purpose or of another session.
 */
export async function peekFlowState(
  db: Db,
  input: {
    readonly state: string;
    readonly purpose: GitHubFlowPurpose;
    readonly sessionHash: string;
    readonly now: Date;
  },
): Promise<Omit<ConsumedFlowState, 'nonceMatched'> | undefined> {
  if (!wellFormed(input.state)) return undefined;
  return usable(await findRow(db, input.state), input);
}
