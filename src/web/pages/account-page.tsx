import type { ReactNode } from 'react';
import type { AccountSummary } from '../api/schemas.js';
import { useCurrentAccount } from '../session/session-context.js';

/** A page about the current account: its title and the account's name, or what to do without an account. */
export const AccountPage = ({
  title,
  children,
}: {
  readonly title: string;
  readonly children: (account: AccountSummary) => ReactNode;
}) => {
  const account = useCurrentAccount();
  return (
    <>
      <header className="page-header">
        <h1>{title}</h1>
        {account ? <p className="muted">{account.name}</p> : null}
      </header>
      {account ? (
        children(account)
      ) : (
        <p>You are not a member of any account yet. Create one from the account menu.</p>
      )}
    </>
  );
};
