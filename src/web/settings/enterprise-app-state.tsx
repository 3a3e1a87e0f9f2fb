import { useApi } from '../api/api-context.js';
import type { Connection } from '../api/schemas.js';
import { CopyField } from '../components/copy-field.js';
import { ExternalLink } from '../components/external-link.js';
import { FormError } from '../components/form-error.js';
import { useSubmit } from '../lib/use-submit.js';

const goTo = (url: string) => window.location.assign(url);

/** How the text names the instance: its host (github.example.com), or the stored address as it is. */
export const instanceName = (baseUrl: string | null | undefined): string => {
  if (!baseUrl) return 'your GitHub Enterprise Server';
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
};

export interface EnterpriseAppStateProps {
  readonly accountId: string;
  readonly connection: Connection;
  /** Shows Register app and Install. */
  readonly isAdmin: boolean;
  /** Sends the browser to the hand-off or install page; replaced in tests of the component alone. */
  readonly go?: (url: string) => void;
}

/**
 * A GitHub Enterprise Server connection's own app, step by step: Register app (while there is none), then the
 * app with its settings on the instance, and Install (while no installation is live).
 */
export const EnterpriseAppState = ({
  accountId,
  connection,
  isAdmin,
  go = goTo,
}: EnterpriseAppStateProps) => {
  const api = useApi();
  const instance = instanceName(connection.baseUrl);
  const owner = connection.target ?? connection.name;
  const app = connection.github?.app ?? null;
  const installed = connection.github?.installations.some((i) => i.removedAt === null) ?? false;
  const register = useSubmit(async () => {
    go((await api.registerEnterpriseApp(accountId, connection.id)).url);
  }, 'Could not start Register app.');
  const install = useSubmit(async () => {
    go((await api.installEnterpriseApp(accountId, connection.id)).url);
  }, 'Could not start the install.');

  if (!app) {
    return (
      <div className="connection-next">
        {isAdmin ? (
          <>
            <p className="list-meta">
              Next: <strong>Register app</strong> creates scm-connect’s GitHub App for {owner} on {instance}.
              There you name it and click <strong>Create GitHub App</strong>, then install it on {owner};{' '}
              {instance} sends you back here.
            </p>
            <div>
              <button
                type="button"
                className="button button-small button-primary"
                aria-disabled={register.busy}
                onClick={() => {
                  if (!register.busy) register.run();
                }}
              >
                {register.busy ? `Opening ${instance}…` : 'Register app'}
              </button>
            </div>
            <FormError message={register.error} />
          </>
        ) : (
          <p className="list-meta">
            Waiting for an admin of this account to register scm-connect’s GitHub App on {instance}.
          </p>
        )}
      </div>
    );
  }

  return (
    <div className="connection-next">
      <p className="list-meta connection-app">
        GitHub App {app.name} ({app.slug}) ·{' '}
        <ExternalLink href={app.settingsUrl}>App settings on {instance}</ExternalLink>
      </p>
      {installed ? null : isAdmin ? (
        <>
          <p className="list-meta">
            Not installed yet: <strong>Install</strong> opens the app’s install page on {instance}; pick{' '}
            {owner}, choose the repositories and click <strong>Install &amp; Authorize</strong>.
          </p>
          <div>
            <button
              type="button"
              className="button button-small button-primary"
              aria-disabled={install.busy}
              onClick={() => {
                if (!install.busy) install.run();
              }}
            >
              {install.busy ? `Opening ${instance}…` : 'Install'}
            </button>
          </div>
          <FormError message={install.error} />
        </>
      ) : (
        <p className="list-meta">Not installed yet: an admin of this account installs it on {owner}.</p>
      )}
    </div>
  );
};

/** The registered app's public link, through which admins of further organizations on the instance install it. */
export const EnterprisePublicLink = ({ connection }: { readonly connection: Connection }) => {
  const app = connection.github?.app;
  if (!app) return null;
  const instance = instanceName(connection.baseUrl);
  return (
    <div className="connection-next">
      <CopyField
        label="Public link"
        value={app.installUrl}
        help={
          <>
            Share this link with admins of other organizations on {instance}: installing it there adds their
            organization here. <ExternalLink href={app.installUrl}>Open the public link</ExternalLink>
          </>
        }
      />
    </div>
  );
};
