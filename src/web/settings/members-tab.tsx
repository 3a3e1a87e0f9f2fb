import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { AccountSummary, Invitation, Member, Role } from '../api/schemas.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Dialog } from '../components/dialog.js';
import { FormError } from '../components/form-error.js';
import { ActionsHeader } from '../components/row-actions.js';
import { SecretOnce } from '../components/secret-once.js';
import { formatDateTime, roleLabel } from '../lib/format.js';
import { absoluteAppUrl } from '../lib/safe-url.js';
import { useResource } from '../lib/use-resource.js';
import { useSession, useSessionControl } from '../session/session-context.js';
import { AddMemberForm } from './add-member-form.js';
import { MemberRow } from './member-row.js';
import { MembershipSourcePanel } from './membership-source-panel.js';

/**
 * Settings > Members: the membership source, and who belongs to the account; admins add, re-role and remove
 * members, except what the membership source manages (shown with the reason).
 */
export const MembersTab = ({ account }: { readonly account: AccountSummary }) => {
  const api = useApi();
  const session = useSession();
  const sessionControl = useSessionControl();
  const [members, reload] = useResource(`members:${account.id}`, (signal) =>
    api.listMembers(account.id, { signal }),
  );
  const [membership, reloadMembership] = useResource(`membership-source:${account.id}`, (signal) =>
    api.membershipSettings(account.id, { signal }),
  );
  const source = membership.status === 'ready' ? membership.data.source : null;
  const [invitation, setInvitation] = useState<Invitation | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const isAdmin = account.role === 'admin';

  const changeRole = async (member: Member, role: Role) => {
    setError(null);
    setNotice(null);
    try {
      await api.changeMemberRole(account.id, member.userId, role);
      setNotice(`${member.name} is now ${role === 'admin' ? 'an admin' : 'a member'}.`);
      if (member.userId === session.user.id) sessionControl.reload();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'Could not change the role.');
    }
    reload();
  };

  return (
    <div className="stack">
      <MembershipSourcePanel
        account={account}
        settings={membership}
        reload={reloadMembership}
        onMembersChanged={reload}
      />

      {isAdmin ? (
        <section className="card" aria-labelledby="add-member-heading">
          <h2 id="add-member-heading">Add a member</h2>
          <AddMemberForm
            accountId={account.id}
            onAdded={(result) => {
              setError(null);
              setInvitation(result.invitation);
              setNotice(`An invitation was created for ${result.invitation.email}.`);
            }}
          />
        </section>
      ) : null}

      <section className="card" aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        {notice ? (
          <p className="notice notice-success" role="status">
            {notice}
          </p>
        ) : null}
        <FormError message={error} />
        {members.status === 'loading' ? <p className="muted">Loading…</p> : null}
        {members.status === 'error' ? <FormError message={members.message} /> : null}
        {members.status === 'ready' ? (
          <table className="table table-stack" aria-label="Members">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                {isAdmin ? <ActionsHeader /> : null}
              </tr>
            </thead>
            <tbody>
              {members.data.map((member) => (
                <MemberRow
                  key={member.userId}
                  member={member}
                  isYou={member.userId === session.user.id}
                  isAdmin={isAdmin}
                  source={source}
                  onRoleChange={(target, role) => void changeRole(target, role)}
                  onRemove={setRemoving}
                />
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      {invitation ? <InvitationDialog invitation={invitation} onClose={() => setInvitation(null)} /> : null}

      {removing ? (
        <ConfirmDialog
          title="Remove member"
          confirmLabel="Remove member"
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await api.removeMember(account.id, removing.userId);
            setNotice(`${removing.name} was removed.`);
            if (removing.userId === session.user.id) sessionControl.reload();
            else reload();
          }}
        >
          <p>
            Remove <strong>{removing.name}</strong> ({removing.email}) from {account.name}? They lose access
            to this account at once.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
};

/** Shows the one-time invitation link; it is not shown again once closed. */
const InvitationDialog = ({
  invitation,
  onClose,
}: {
  readonly invitation: Invitation;
  readonly onClose: () => void;
}) => {
  const url = absoluteAppUrl(invitation.url, window.location.origin);
  return (
    <Dialog
      title="Invitation link"
      onClose={onClose}
      actions={
        <button type="button" className="button button-primary" onClick={onClose}>
          Done
        </button>
      }
    >
      <p>
        Send {invitation.email} this link to join as {roleLabel(invitation.role).toLowerCase()}: they accept
        it with their user here, or create one. It works once and expires{' '}
        {formatDateTime(invitation.expiresAt)}.
      </p>
      {url ? (
        <SecretOnce label="Invitation link" value={url} />
      ) : (
        <FormError message="The server sent an invitation link that is not a web address." />
      )}
      <p className="notice notice-warning">Copy it now: this link is not shown again.</p>
    </Dialog>
  );
};
