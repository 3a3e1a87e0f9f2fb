import type { ScmKind } from '../../core/scm-kinds.js';
import { Dialog } from '../components/dialog.js';
import { ScmKindFields } from './scm-kind-fields.js';

export interface PendingConnectDialogProps {
  readonly kind: ScmKind;
  readonly onClose: () => void;
}

/** The dialog of a kind whose connection flow is not built yet: shows what it will ask for, disabled. */
export const PendingConnectDialog = ({ kind, onClose }: PendingConnectDialogProps) => (
  <Dialog
    title={kind.dialogTitle}
    onClose={onClose}
    actions={
      <>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
        <button type="button" className="button button-primary" disabled>
          Connect
        </button>
      </>
    }
  >
    <p className="notice">The connection flow for {kind.name} is not available yet.</p>
    <ScmKindFields kind={kind} disabled />
  </Dialog>
);
