import type { AccountSummary } from '../api/schemas.js';
import { CopyField } from '../components/copy-field.js';

/** What a script needs besides a token: the account id its paths name, and where the API is described. */
export const ApiAccessSection = ({ account }: { readonly account: AccountSummary }) => {
  const example = `curl -H "Authorization: Bearer scmc_…" ${window.location.origin}/api/v1/accounts/${account.id}/connections`;
  return (
    <section className="card" aria-labelledby="api-access-heading">
      <h2 id="api-access-heading">Use the API</h2>
      <div className="form">
        <CopyField
          label="Account id"
          value={account.id}
          help={
            <>
              Paths of the API name the account: <code>/api/v1/accounts/&#123;accountId&#125;/…</code>
            </>
          }
        />
        <p>
          Every operation of the UI is in the REST API, described at{' '}
          <a href="/api/docs">the API reference (/api/docs)</a>. Send a token of this account as a bearer
          token, for example:
        </p>
        <pre className="code-block">
          <code>{example}</code>
        </pre>
      </div>
    </section>
  );
};
