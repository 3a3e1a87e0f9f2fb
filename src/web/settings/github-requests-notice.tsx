import { useApi } from '../api/api-context.js';
import { formatDateTime } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';
import { useLocation } from '../router/router-context.js';

const outcomes: Readonly<Record<string, string>> = {
  requested:
    'Your request was sent to the owners of the organization on GitHub. Once an owner approves it, the organization is linked here.',
  updated: 'The GitHub installation was updated; its repositories are synced again.',
  // GitHub Enterprise Server: the app installed on the entry's own organization, then on a further one.
  linked: 'The GitHub App was installed; its organization is connected.',
  installed:
    'GitHub Enterprise installed the app; the organization appears here as soon as its event arrives.',
};

/**
 * What Connect to GitHub (or a GitHub Enterprise Server app's install) left to wait for: the outcome GitHub's
 * redirect named (`?github=`), and the requests members made that an organization owner has not approved yet.
 */
export const GitHubRequestsNotice = ({ accountId }: { readonly accountId: string }) => {
  const api = useApi();
  const outcome = outcomes[new URLSearchParams(useLocation().search).get('github') ?? ''];
  const [requests] = useResource(`github-requests:${accountId}`, () => api.listGitHubRequests(accountId));
  const pending = requests.status === 'ready' ? requests.data : [];
  return (
    <>
      {outcome ? (
        <p className="notice notice-success" role="status">
          {outcome}
        </p>
      ) : null}
      {pending.length > 0 ? (
        <div className="notice" role="status">
          <p>Waiting for an organization owner on GitHub to approve:</p>
          <ul>
            {pending.map((request) => (
              <li key={`${request.login}-${request.createdAt}`}>
                the request of {request.login}, {formatDateTime(request.createdAt)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
};
