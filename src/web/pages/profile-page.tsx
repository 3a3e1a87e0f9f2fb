import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { LinkedIdentity } from '../api/sign-in-client.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { EmptyState } from '../components/empty-state.js';
import { FormError } from '../components/form-error.js';
import { ActionsHeader, RowRemoveCell } from '../components/row-actions.js';
import { formatDateTime } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';
import { identityLabel, issuerHost, providerName } from '../profile/identity-display.js';
import { LinkMethods } from '../profile/link-methods.js';
import { useLocation, useNavigate } from '../router/router-context.js';
import { useSession } from '../session/session-context.js';
import { signInErrorMessage } from '../sign-in/sign-in-errors.js';

const linkedNames: Readonly<Record<string, string>> = {
  github: 'GitHub',
  gitlab: 'GitLab',
  oidc: 'Single sign-on',
  saml: 'Single sign-on',
  sso: 'Single sign-on',
};

/** The outcome of a link that came back here (`?linked=github`, `?error=identity_in_use`), read once. */
const useLinkOutcome = () => {
  const { search } = useLocation();
  const navigate = useNavigate();
  const [outcome] = useState(() => {
    const params = new URLSearchParams(search);
    const linked = params.get('linked');
    return {
      linked: linked ? (linkedNames[linked] ?? 'The sign-in method') : null,
      error: signInErrorMessage(params.get('error')),
    };
  });
  useEffect(() => {
    // Shown once; a reload of the page should not repeat it.
    if (outcome.linked || outcome.error) navigate('/profile', { replace: true });
  }, [outcome, navigate]);
  return outcome;
};

/** The signed-in person's profile: the ways they sign in, linking one more and unlinking one. */
export const ProfilePage = () => {
  const api = useApi();
  const session = useSession();
  const outcome = useLinkOutcome();
  const [profile, reload] = useResource('profile-identities', (signal) => api.profileIdentities({ signal }));
  const [methods] = useResource('sign-in-methods', (signal) => api.signInMethods({ signal }));
  const [unlinking, setUnlinking] = useState<LinkedIdentity | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <>
      <header className="page-header">
        <h1>Profile</h1>
        <p className="muted">
          {session.user.name} · {session.user.email}
        </p>
      </header>
      <div className="stack">
        {outcome.linked ? (
          <p className="notice notice-success" role="status">
            {outcome.linked} is linked: you can sign in with it from now on. Your other sessions were signed
            out because your sign-in methods changed.
          </p>
        ) : null}
        {outcome.error ? (
          <p className="notice notice-danger" role="alert">
            {outcome.error}
          </p>
        ) : null}

        <section className="card" aria-labelledby="sign-in-methods-heading">
          <h2 id="sign-in-methods-heading">Sign-in methods</h2>
          {notice ? (
            <p className="notice notice-success" role="status">
              {notice}
            </p>
          ) : null}
          {profile.status === 'loading' ? <p className="muted">Loading…</p> : null}
          {profile.status === 'error' ? <FormError message={profile.message} /> : null}
          {profile.status === 'ready' ? (
            <>
              <dl className="facts">
                <dt>Password</dt>
                <dd>
                  {profile.data.hasPassword
                    ? 'Set: you can sign in with your email and password.'
                    : 'None: you sign in with a linked method below.'}
                </dd>
              </dl>
              {profile.data.identities.length === 0 ? (
                <EmptyState title="No linked sign-in methods">
                  <p>Link GitHub, GitLab or your organization’s single sign-on below to sign in with it.</p>
                </EmptyState>
              ) : (
                <table className="table table-stack" aria-label="Linked sign-in methods">
                  <thead>
                    <tr>
                      <th scope="col">Provider</th>
                      <th scope="col">Host</th>
                      <th scope="col">User</th>
                      <th scope="col">Email</th>
                      <th scope="col">Linked</th>
                      <th scope="col">Last used</th>
                      <ActionsHeader />
                    </tr>
                  </thead>
                  <tbody>
                    {profile.data.identities.map((identity) => (
                      <tr key={identity.id}>
                        <td data-label="Provider">{providerName(identity.provider)}</td>
                        <td data-label="Host" title={identity.issuer}>
                          {issuerHost(identity.issuer)}
                        </td>
                        <td data-label="User">{identity.login ?? '—'}</td>
                        <td data-label="Email">{identity.email ?? '—'}</td>
                        <td data-label="Linked">{formatDateTime(identity.createdAt)}</td>
                        <td data-label="Last used">
                          {identity.lastUsedAt ? formatDateTime(identity.lastUsedAt) : 'Never'}
                        </td>
                        <RowRemoveCell
                          action="Unlink"
                          name={identityLabel(identity)}
                          onClick={() => setUnlinking(identity)}
                        />
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          ) : null}
        </section>

        <section className="card" aria-labelledby="link-method-heading">
          <h2 id="link-method-heading">Link a sign-in method</h2>
          <p className="muted card-description">
            Linking needs a sign-in within the last few minutes: otherwise you are asked to sign in again
            first, then link. After linking, your other sessions are signed out.
          </p>
          {methods.status === 'loading' || profile.status === 'loading' ? (
            <p className="muted">Loading…</p>
          ) : null}
          {methods.status === 'error' ? <FormError message={methods.message} /> : null}
          {methods.status === 'ready' && profile.status === 'ready' ? (
            <LinkMethods
              methods={methods.data}
              identities={profile.data.identities}
              email={session.user.email}
            />
          ) : null}
        </section>
      </div>

      {unlinking ? (
        <ConfirmDialog
          title="Unlink sign-in method"
          confirmLabel="Unlink"
          onClose={() => setUnlinking(null)}
          onConfirm={async () => {
            await api.unlinkIdentity(unlinking.id);
            setNotice(`${identityLabel(unlinking)} is unlinked.`);
            reload();
          }}
        >
          <p>
            Unlink <strong>{identityLabel(unlinking)}</strong>? You can no longer sign in with it.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
};
