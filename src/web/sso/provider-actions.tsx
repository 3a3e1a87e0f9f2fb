import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { LastTest, SsoProtocol, SsoStatus } from '../api/sso-client.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { FormError } from '../components/form-error.js';
import { formatDateTime } from '../lib/format.js';
import { useSubmit } from '../lib/use-submit.js';
import { ssoTestUrl } from '../sign-in/start-urls.js';

const statusLabels: Readonly<Record<SsoStatus, string>> = {
  draft: 'Draft: not tested',
  tested: 'Tested',
  active: 'Active',
};

/** Where a provider stands: draft (changed since its last test), tested, or active. */
export const SsoStatusBadge = ({ status }: { readonly status: SsoStatus }) => (
  <span className={`badge badge-${status}`}>{statusLabels[status]}</span>
);

/** What the last Test sign-in found, with the reason for the admin when it failed. */
const LastTestLine = ({ lastTest }: { readonly lastTest: LastTest | null }) => {
  if (!lastTest) return <p className="muted">Not tested yet.</p>;
  if (lastTest.ok) return <p className="muted">Last Test sign-in passed {formatDateTime(lastTest.at)}.</p>;
  return (
    <p className="text-danger">
      Last Test sign-in failed {formatDateTime(lastTest.at)}: {lastTest.message}
    </p>
  );
};

export interface ProviderActionsProps {
  readonly accountId: string;
  readonly protocol: SsoProtocol;
  /** "OpenID Connect", "SAML": how the buttons name the provider for screen readers. */
  readonly protocolName: string;
  readonly provider: {
    readonly id: string;
    readonly status: SsoStatus;
    readonly lastTest?: LastTest | null | undefined;
  };
  readonly onChanged: (notice: string) => void;
}

/** Test sign-in, Activate or Deactivate, and Remove, for a saved provider. */
export const ProviderActions = ({
  accountId,
  protocol,
  protocolName,
  provider,
  onChanged,
}: ProviderActionsProps) => {
  const api = useApi();
  const [removing, setRemoving] = useState(false);
  const toggle = useSubmit(
    async () => {
      if (provider.status === 'active') {
        await api.deactivateSso(accountId, protocol);
        onChanged(`${protocolName} is deactivated: people can no longer sign in with it.`);
      } else {
        await api.activateSso(accountId, protocol);
        onChanged(`${protocolName} is active: people of the allowed domains can sign in with it.`);
      }
    },
    'Could not change the provider.',
    { reusable: true },
  );
  return (
    <div className="provider-state">
      <LastTestLine lastTest={provider.lastTest ?? null} />
      {provider.status === 'draft' ? (
        <p className="muted">
          Test sign-in signs you in at the identity provider and checks its answer, without starting a
          session; it is needed (again after each change) before activation.
        </p>
      ) : null}
      <div className="connection-actions">
        <a className="button" href={ssoTestUrl(provider.id)} aria-label={`Test sign-in with ${protocolName}`}>
          Test sign-in
        </a>
        {provider.status === 'active' ? (
          <button
            type="button"
            className="button"
            aria-disabled={toggle.busy}
            onClick={() => !toggle.busy && toggle.run()}
          >
            Deactivate
          </button>
        ) : (
          <button
            type="button"
            className="button button-primary"
            aria-disabled={toggle.busy}
            onClick={() => !toggle.busy && toggle.run()}
            title={provider.status === 'draft' ? 'Run Test sign-in first.' : undefined}
          >
            Activate
          </button>
        )}
        <button type="button" className="button button-danger-quiet" onClick={() => setRemoving(true)}>
          Remove
        </button>
      </div>
      <FormError message={toggle.error} />
      {removing ? (
        <ConfirmDialog
          title={`Remove ${protocolName}`}
          confirmLabel="Remove provider"
          onClose={() => setRemoving(false)}
          onConfirm={async () => {
            await api.removeSso(accountId, protocol);
            onChanged(`${protocolName} is removed.`);
          }}
        >
          <p>
            Remove this {protocolName} provider? People who sign in with it can no longer do so; their users
            and memberships stay.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
};
