import { Fragment, useEffect, useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { AccountSummary } from '../api/schemas.js';
import type { SsoSettings } from '../api/sso-client.js';
import { CopyField } from '../components/copy-field.js';
import { FormError } from '../components/form-error.js';
import { formatDate } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';
import { useLocation, useNavigate } from '../router/router-context.js';
import { OidcForm } from './oidc-form.js';
import { ProviderActions, SsoStatusBadge } from './provider-actions.js';
import { SamlForm } from './saml-form.js';
import { SsoPolicyForm } from './sso-policy-form.js';
import { testResultOf } from './test-result.js';

/** The result of a Test sign-in that came back here, read once and taken out of the address. */
const useTestResult = () => {
  const { search } = useLocation();
  const navigate = useNavigate();
  const [result] = useState(() => testResultOf(search));
  useEffect(() => {
    if (result) navigate('/settings/sso', { replace: true });
  }, [result, navigate]);
  return result;
};

/** IdP certificates that expire within 30 days: the admin must load new metadata before then. */
const ExpiryWarning = ({ settings }: { readonly settings: SsoSettings }) => {
  const expiring = settings.saml?.certificates.filter((certificate) => certificate.expiresSoon) ?? [];
  if (expiring.length === 0) return null;
  return (
    <p className="notice notice-warning" role="status">
      The SAML identity provider’s signing certificate{' '}
      {expiring
        .map((certificate) => `${certificate.subject} (expires ${formatDate(certificate.notAfter)})`)
        .join(', ')}{' '}
      expires within 30 days. Once the identity provider signs with its new certificate, save its current
      metadata here, or sign-ins will fail.
    </p>
  );
};

const SsoSettingsView = ({
  account,
  settings,
  reload,
}: {
  readonly account: AccountSummary;
  readonly settings: SsoSettings;
  readonly reload: () => void;
}) => {
  const api = useApi();
  const [notice, setNotice] = useState<string | null>(null);
  const [members] = useResource(`members:${account.id}`, (signal) => api.listMembers(account.id, { signal }));
  const changed = (text: string) => {
    setNotice(text);
    reload();
  };
  const { oidc, saml } = settings;
  return (
    <>
      {notice ? (
        <p className="notice notice-success" role="status">
          {notice}
        </p>
      ) : null}
      <ExpiryWarning settings={settings} />

      <section className="card" aria-labelledby="oidc-heading">
        <h2 id="oidc-heading" className="sso-heading">
          OpenID Connect {oidc ? <SsoStatusBadge status={oidc.status} /> : null}
        </h2>
        <CopyField
          label="Redirect URL"
          value={oidc?.redirectUrl ?? settings.redirectUrl}
          help="Register it at the identity provider as the application's redirect (callback) URL."
        />
        {oidc ? (
          <ProviderActions
            accountId={account.id}
            protocol="oidc"
            protocolName="OpenID Connect"
            provider={oidc}
            onChanged={changed}
          />
        ) : null}
        <OidcForm key={JSON.stringify(oidc)} accountId={account.id} view={oidc} onSaved={changed} />
      </section>

      <section className="card" aria-labelledby="saml-heading">
        <h2 id="saml-heading" className="sso-heading">
          SAML 2.0 {saml ? <SsoStatusBadge status={saml.status} /> : null}
        </h2>
        {saml ? (
          <>
            <CopyField
              label="SP entity id"
              value={saml.spEntityId}
              help="The audience of the assertions: give it to the identity provider."
            />
            <CopyField
              label="ACS URL"
              value={saml.acsUrl}
              help="Where the identity provider posts its answer (assertion consumer service)."
            />
            <ProviderActions
              accountId={account.id}
              protocol="saml"
              protocolName="SAML"
              provider={saml}
              onChanged={changed}
            />
            {saml.certificates.length > 0 ? (
              <dl className="facts">
                {saml.certificates.map((certificate) => (
                  <Fragment key={`${certificate.subject}:${certificate.notAfter}`}>
                    <dt>Signing certificate</dt>
                    <dd className={certificate.expiresSoon ? 'text-danger' : undefined}>
                      {certificate.subject}, valid until {formatDate(certificate.notAfter)}
                      {certificate.expiresSoon ? ' (expires within 30 days)' : ''}
                    </dd>
                  </Fragment>
                ))}
              </dl>
            ) : null}
          </>
        ) : (
          <p className="muted">
            Save the SAML settings to get the SP entity id and ACS URL to give the identity provider.
          </p>
        )}
        <SamlForm key={JSON.stringify(saml)} accountId={account.id} view={saml} onSaved={changed} />
      </section>

      <section className="card" aria-labelledby="sso-policy-heading">
        <h2 id="sso-policy-heading">Require single sign-on</h2>
        {members.status === 'error' ? <FormError message={members.message} /> : null}
        {members.status === 'ready' ? (
          <SsoPolicyForm
            key={JSON.stringify(settings.policy)}
            accountId={account.id}
            policy={settings.policy}
            members={members.data}
            hasActiveProvider={oidc?.status === 'active' || saml?.status === 'active'}
            onSaved={changed}
          />
        ) : null}
      </section>
    </>
  );
};

/** Settings > Single sign-on: the account's OpenID Connect and SAML providers, and whether SSO is required. */
export const SsoTab = ({ account }: { readonly account: AccountSummary }) => {
  const api = useApi();
  const result = useTestResult();
  const isAdmin = account.role === 'admin';
  const [settings, reload] = useResource(`sso:${account.id}:${isAdmin}`, (signal) =>
    isAdmin ? api.ssoSettings(account.id, { signal }) : Promise.resolve(null),
  );
  return (
    <div className="stack">
      {result ? (
        <p
          className={result.ok ? 'notice notice-success' : 'notice notice-danger'}
          role={result.ok ? 'status' : 'alert'}
        >
          {result.message}
        </p>
      ) : null}
      {!isAdmin ? (
        <section className="card" aria-labelledby="sso-heading">
          <h2 id="sso-heading">Single sign-on</h2>
          <p className="muted">Only admins of this account manage single sign-on.</p>
        </section>
      ) : null}
      {settings.status === 'loading' ? <p className="muted">Loading…</p> : null}
      {settings.status === 'error' ? <FormError message={settings.message} /> : null}
      {settings.status === 'ready' && settings.data ? (
        <SsoSettingsView account={account} settings={settings.data} reload={reload} />
      ) : null}
    </div>
  );
};
