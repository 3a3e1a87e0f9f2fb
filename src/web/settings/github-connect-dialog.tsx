import { useState } from 'react';
import { findScmKind } from '../../core/scm-kinds.js';
import { useApi } from '../api/api-context.js';
import { ApiError } from '../api/http.js';
import { Dialog } from '../components/dialog.js';
import { FormError } from '../components/form-error.js';

export interface GitHubConnectDialogProps {
  readonly accountId: string;
  readonly onClose: () => void;
  /** Sends the browser to GitHub; replaced in tests of the dialog alone. */
  readonly go?: (url: string) => void;
}

const goTo = (url: string) => window.location.assign(url);

/**
 * Connect to GitHub: says what happens on GitHub and after, then sends the admin to the app's install page with
 * a state bound to this session and account. Nothing is linked until GitHub sends them back and the checks pass.
 */
export const GitHubConnectDialog = ({ accountId, onClose, go = goTo }: GitHubConnectDialogProps) => {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const kind = findScmKind('github')!;

  const start = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      go((await api.startGitHubInstall(accountId)).url);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'Could not start Connect to GitHub.');
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={kind.dialogTitle}
      onClose={onClose}
      actions={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            aria-disabled={busy}
            onClick={() => void start()}
          >
            {busy ? 'Opening GitHub…' : 'Connect to GitHub'}
          </button>
        </>
      }
    >
      <p>On GitHub you will:</p>
      <ol>
        <li>review the permissions scm-connect asks for,</li>
        <li>pick the organization (you must be one of its owners),</li>
        <li>
          choose <strong>All repositories</strong> or <strong>Only select repositories</strong>,
        </li>
        <li>
          and click <strong>Install and authorize</strong>.
        </li>
      </ol>
      <p className="muted">
        Back here the organization is linked and you are signed out, because your credentials changed; sign in
        again to see it under Source code organizations.
      </p>
      <FormError message={error} />
    </Dialog>
  );
};
