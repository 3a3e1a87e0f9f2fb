import { useState, type ReactNode } from 'react';
import { useApi } from '../api/api-context.js';
import { Link, useLocation } from '../router/router-context.js';
import { useSession, useSessionControl } from '../session/session-context.js';
import { AccountMenu } from './account-menu.js';

const navItems = [
  { to: '/projects', label: 'Projects' },
  { to: '/settings', label: 'Settings' },
] as const;

/** The signed-in frame: sidebar (product, account menu, navigation, user) and the page on the right. */
export const AppShell = ({ children }: { readonly children: ReactNode }) => {
  const api = useApi();
  const session = useSession();
  const { signedOut } = useSessionControl();
  const { pathname } = useLocation();
  const [signingOut, setSigningOut] = useState(false);

  const signOut = async () => {
    setSigningOut(true);
    try {
      await api.signOut();
    } catch {
      // The server may already have ended the session; the page forgets it either way.
    }
    signedOut();
  };

  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="sidebar-inner">
          <p className="brand">
            <span className="brand-mark" aria-hidden="true" />
            scm-connect
          </p>
          <AccountMenu />
          <nav className="nav" aria-label="Main">
            {navItems.map((item) => {
              const active = pathname === item.to || pathname.startsWith(`${item.to}/`);
              return (
                <Link
                  key={item.to}
                  to={item.to}
                  className={active ? 'nav-link nav-link-active' : 'nav-link'}
                  aria-current={active ? 'page' : undefined}
                >
                  {item.label}
                </Link>
              );
            })}
          </nav>
          <div className="sidebar-user">
            <p className="sidebar-user-name">{session.user.name}</p>
            <p className="sidebar-user-email">{session.user.email}</p>
            <button
              type="button"
              className="button button-ghost"
              disabled={signingOut}
              onClick={() => void signOut()}
            >
              Sign out
            </button>
          </div>
        </div>
      </aside>
      <main className="content">{children}</main>
    </div>
  );
};
