import { useState, type ReactNode } from 'react';
import { useApi } from '../api/api-context.js';
import type { FindingDetail, IgnoreReason } from '../api/finding-schemas.js';
import { EmptyState } from '../components/empty-state.js';
import { FormError } from '../components/form-error.js';
import { CodeFlows, RelatedLocations } from '../findings/code-flows.js';
import { SeverityBadge, StateBadge } from '../findings/finding-badges.js';
import { firstLine, ignoreReasonLabels, restOfMessage } from '../findings/finding-display.js';
import { FindingFacts } from '../findings/finding-facts.js';
import { FindingHistory } from '../findings/finding-history.js';
import { FindingScans } from '../findings/finding-scans.js';
import { RuleHelp } from '../findings/rule-help.js';
import { TriageActions } from '../findings/triage-actions.js';
import { useResource } from '../lib/use-resource.js';
import { Link } from '../router/router-context.js';
import { AccountPage } from './account-page.js';

/** One finding: what and where (linked at the scanned commit), the rule's help, its code flow, history and triage. */
export const FindingPage = ({ findingId }: { readonly findingId: string }) => (
  <AccountPage title="Finding">
    {(account) => <FindingOfAccount accountId={account.id} findingId={findingId} />}
  </AccountPage>
);

const Section = ({ title, children }: { readonly title: string; readonly children: ReactNode }) => {
  const id = `section-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
};

const FindingOfAccount = ({
  accountId,
  findingId,
}: {
  readonly accountId: string;
  readonly findingId: string;
}) => {
  const api = useApi();
  const [loaded, reload] = useResource(`finding:${accountId}:${findingId}`, (signal) =>
    api.getFinding(accountId, findingId, { signal }),
  );
  const [notice, setNotice] = useState<string | null>(null);
  const back = (
    <p className="back-link">
      <Link to="/findings">← All findings</Link>
    </p>
  );

  if (loaded.status === 'loading') return <p className="muted">Loading…</p>;
  if (loaded.status === 'error') {
    return (
      <>
        {back}
        <section className="card">
          <EmptyState title="This finding cannot be shown">
            <FormError message={loaded.message} />
            <p>It may belong to another account. Pick one from the Findings list.</p>
          </EmptyState>
        </section>
      </>
    );
  }
  const finding: FindingDetail = loaded.data;

  const ignore = async (reason: IgnoreReason, note: string) => {
    await api.triageFinding(accountId, finding.id, { action: 'ignore', reason, ...(note ? { note } : {}) });
    setNotice(`Ignored as ${ignoreReasonLabels[reason].toLowerCase()}.`);
    reload();
  };
  const reopen = async () => {
    await api.triageFinding(accountId, finding.id, { action: 'reopen' });
    setNotice('Reopened.');
    reload();
  };

  const flows = finding.codeFlows ?? [];
  const related = finding.relatedLocations ?? [];
  return (
    <div className="stack">
      {back}
      <section className="card finding-summary" aria-labelledby="finding-title">
        <div className="finding-badges">
          <SeverityBadge severity={finding.severity} />
          <StateBadge finding={finding} />
        </div>
        <h2 id="finding-title" className="finding-title">
          {firstLine(finding.message) || finding.ruleId}
        </h2>
        {restOfMessage(finding.message) ? (
          <p className="pre-line finding-message">{restOfMessage(finding.message)}</p>
        ) : null}
        <FindingFacts finding={finding} />
        <TriageActions finding={finding} ignore={ignore} reopen={reopen} />
        {notice ? (
          <p className="notice notice-success" role="status">
            {notice}
          </p>
        ) : null}
      </section>

      <Section title="Rule">
        <RuleHelp finding={finding} />
      </Section>

      {flows.length > 0 ? (
        <Section title="Code flow">
          <CodeFlows flows={flows} />
        </Section>
      ) : null}

      {related.length > 0 ? (
        <Section title="Related locations">
          <RelatedLocations items={related} />
        </Section>
      ) : null}

      <Section title="History">
        <FindingHistory events={finding.history ?? []} />
      </Section>

      <Section title="Scans">
        <FindingScans scans={finding.scans ?? []} />
      </Section>
    </div>
  );
};
