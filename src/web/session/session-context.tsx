import { createContext, useContext } from 'react';
import type { AccountSummary, Session } from '../api/schemas.js';

export type SessionState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly message: string }
  | { readonly status: 'signed-out' }
  | { readonly status: 'signed-in'; readonly session: Session };

/** The signed-in state of the page and the ways to change it. */
export interface SessionControl {
  readonly state: SessionState;
  /** Takes the session answered by sign-in, set-up, invitation or account switch. */
  signedIn(session: Session): void;
  signedOut(): void;
  reload(): void;
}

const SessionContext = createContext<SessionControl | null>(null);

export const SessionProvider = SessionContext.Provider;

export const useSessionControl = (): SessionControl => {
  const control = useContext(SessionContext);
  if (!control) throw new Error('useSessionControl needs a SessionProvider');
  return control;
};

/** The session of a signed-in page (the app shell renders only then). */
export const useSession = (): Session => {
  const { state } = useSessionControl();
  if (state.status !== 'signed-in') throw new Error('useSession outside a signed-in page');
  return state.session;
};

/** The account the session works in, with the user's role there; `null` when the user has none. */
export const useCurrentAccount = (): AccountSummary | null => {
  const session = useSession();
  return session.accounts.find((account) => account.id === session.currentAccountId) ?? null;
};
