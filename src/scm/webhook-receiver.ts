import type { ScmKindId } from '../core/scm-kinds.js';
import type { RepositoryVisibility } from './provider.js';

/*
 * The contract every kind's `webhooks.ts` implements: check a delivery against one hook endpoint's secrets, say
 * which delivery it is, and turn its stored body into normalized events. Pure: no I/O, no clock of its own, no
 * state, so the receiver route and the worker share one object per kind.
 */

/** The receiving side of each SCM: GitHub Cloud and Enterprise Server sign alike, as do GitLab's two hostings. */
export type WebhookKind = 'github' | 'gitlab' | 'bitbucket-cloud' | 'bitbucket-data-center' | 'azure-devops';

export const webhookKinds: readonly WebhookKind[] = [
  'github',
  'gitlab',
  'bitbucket-cloud',
  'bitbucket-data-center',
  'azure-devops',
];

export const webhookKindOf: Readonly<Record<ScmKindId, WebhookKind>> = {
  github: 'github',
  'github-enterprise': 'github',
  gitlab: 'gitlab',
  'gitlab-self-managed': 'gitlab',
  'bitbucket-cloud': 'bitbucket-cloud',
  'bitbucket-data-center': 'bitbucket-data-center',
  'azure-devops': 'azure-devops',
};

/** Every value each header arrived with, by lower-case name: a header sent twice has two values. */
export type WebhookHeaders = ReadonlyMap<string, readonly string[]>;

/** A delivery as it arrived, before anything is trusted. */
export interface IncomingDelivery {
  readonly headers: WebhookHeaders;
  /** The exact bytes received: signatures are computed over these, never over re-serialized JSON. */
  readonly rawBody: Buffer;
  /** Whether it reached us over https (the public URL is https, or a trusted proxy says so). */
  readonly secure: boolean;
  /** For signed timestamps. */
  readonly now: Date;
}

/** One endpoint's secrets, decrypted for the check and then dropped. */
export interface EndpointSecrets {
  /**
   * The hook's secret: the HMAC key (GitHub, Bitbucket), the secret token (GitLab `X-Gitlab-Token`), or Azure
   * DevOps' basic-auth credentials as `username:password`.
   */
  readonly secret: string;
  /** GitLab's signing token (`whsec_…`); when set, deliveries must carry a valid `webhook-signature`. */
  readonly signingSecret: string | null;
}

export type VerificationFailure =
  | 'missing-signature'
  | 'malformed-signature'
  | 'repeated-header'
  | 'signature-mismatch'
  | 'stale-timestamp'
  | 'insecure-transport';

export type Verification =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly failure: VerificationFailure;
      /** What is wrong and what to fix, naming the header; never a secret or a computed signature. */
      readonly message: string;
    };

/** What a verified delivery is, read from its headers (and, for Azure DevOps, its body). */
export interface DeliveryIdentity {
  /** Unique per endpoint and the same when the SCM sends the event again; a body hash when the SCM sends none. */
  readonly deliveryId: string;
  /** The SCM's event name (`push`, `Push Hook`, `repo:refs_changed`, `git.push`…); empty when none was sent. */
  readonly event: string;
}

/** What the worker reads back from the delivery row. */
export interface StoredDelivery {
  readonly event: string;
  readonly body: string;
  /** The connection's organization (Azure DevOps payloads name the project and repository, not the organization). */
  readonly organization?: string;
}

/** The outcome of parsing: the events it carries, or why it carries none we handle. */
export interface ParsedDelivery {
  readonly events: readonly WebhookEvent[];
  /** Why no event came out (an event we do not handle, a tag push…); absent when there are events. */
  readonly ignored?: string;
}

export interface WebhookReceiver {
  readonly kind: WebhookKind;
  /** Constant-time check of the signature or shared secret over the raw body, with this endpoint's secrets only. */
  verify(delivery: IncomingDelivery, secrets: EndpointSecrets): Verification;
  /** The delivery id and event name of a verified delivery; throws {@link WebhookPayloadError} for an unreadable one. */
  identify(delivery: IncomingDelivery): DeliveryIdentity;
  /** Normalized events of a stored delivery; throws {@link WebhookPayloadError} when the body is not what the event promises. */
  parse(delivery: StoredDelivery): ParsedDelivery;
}

/** A verified delivery whose body cannot be read as its event says: processing it again will not help. */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookPayloadError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Normalized events

/** A repository as an event describes it: what the event carries, the stable id and full name always. */
export interface WebhookRepository {
  /** The same stable id the inventory keeps (numeric id, UUID or GUID). */
  readonly externalId: string;
  /** As `ScmRepository.fullName`: `owner/repo`, `group/sub/project`, `workspace/slug`, `KEY/slug`, `org/project/repo`. */
  readonly fullName: string;
  readonly name: string;
  readonly webUrl?: string;
  /** Null for an empty repository; absent when the event does not say. */
  readonly defaultBranch?: string | null;
  readonly visibility?: RepositoryVisibility;
  readonly archived?: boolean;
}

export interface WebhookAccount {
  readonly externalId: string;
  readonly login: string;
}

export type RepositoryEvent =
  | {
      readonly type:
        | 'repository.created'
        | 'repository.deleted'
        | 'repository.archived'
        | 'repository.unarchived'
        | 'repository.updated';
      readonly repository: WebhookRepository;
    }
  | {
      /** Same owner, new name. */
      readonly type: 'repository.renamed';
      readonly repository: WebhookRepository;
      readonly previousFullName: string;
    }
  | {
      /** Another owner, group, workspace or project. */
      readonly type: 'repository.moved';
      readonly repository: WebhookRepository;
      /** Absent when the SCM names only the previous owner. */
      readonly previousFullName?: string;
      readonly previousOwner?: string;
    };

export interface PushEvent {
  /** A push to a branch (tag pushes are not reported). */
  readonly type: 'push';
  readonly repository: WebhookRepository;
  /** Without `refs/heads/`. */
  readonly branch: string;
  /** Null when the branch was created. */
  readonly before: string | null;
  /** Null when the branch was deleted. */
  readonly after: string | null;
  readonly forced?: boolean;
}

export interface InstallationEvent {
  readonly type:
    | 'installation.created'
    | 'installation.deleted'
    | 'installation.suspended'
    | 'installation.unsuspended'
    | 'installation.repositories-changed';
  readonly installationId: string;
  /** The organization or user the app is installed on. */
  readonly account: WebhookAccount;
  /** Who did it on GitHub (installed, removed, suspended). */
  readonly sender?: WebhookAccount;
  readonly repositoriesAdded?: readonly Pick<WebhookRepository, 'externalId' | 'fullName' | 'name'>[];
  readonly repositoriesRemoved?: readonly Pick<WebhookRepository, 'externalId' | 'fullName' | 'name'>[];
}

export interface MembershipEvent {
  readonly type: 'membership.added' | 'membership.removed' | 'membership.changed';
  /** The organization or group; its stable id when the event carries one. */
  readonly organization: { readonly externalId?: string; readonly name: string };
  readonly member: WebhookAccount;
  /** The role or access level as the SCM names it, when the event says. */
  readonly role?: string;
}

/**
 * A comment someone wrote on a pull request, as a reply in a thread (inline or summary). Used for triage by
 * reply; comments that start a thread of their own are reported too, with `inReplyTo` absent.
 */
export interface PullRequestCommentEvent {
  readonly type: 'pull-request.comment';
  readonly repository: WebhookRepository;
  /** The pull request's number as users see it (GitLab `iid`). */
  readonly pullRequest: number;
  /** The new comment (the SCM's ids, as `ScmCommentRef` has them). */
  readonly comment: { readonly id: string; readonly threadId?: string; readonly body: string };
  readonly author: WebhookAccount;
  /** The comment it answers: the thread's root or the comment replied to, as the SCM names it. */
  readonly inReplyTo?: { readonly id?: string; readonly threadId?: string };
}

/** A pull request closed without merging, or merged. */
export interface PullRequestClosedEvent {
  readonly type: 'pull-request.closed';
  readonly repository: WebhookRepository;
  readonly pullRequest: number;
  readonly merged: boolean;
}

export type WebhookEvent =
  | RepositoryEvent
  | PushEvent
  | InstallationEvent
  | MembershipEvent
  | PullRequestCommentEvent
  | PullRequestClosedEvent;

export type WebhookEventType = WebhookEvent['type'];
