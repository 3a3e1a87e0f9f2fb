import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useApi } from '../api/api-context.js';
import { mainContentId, SkipLink } from '../components/skip-link.js';
import { Link, useLocation } from '../router/router-context.js';
import { useSession, useSessionControl } from '../session/session-context.js';
import { AccountMenu } from './account-menu.js';

const navItems = [
  { to: '/projects', label: 'Projects' },
  { to: '/findings', label: 'Findings' },
  { to: '/activity', label: 'Activity' },
  { to: '/settings', label: 'Settings' },
] as const;

/**
 * The signed-in frame: sidebar (product, account menu, navigation, user) and the page beside it. On a narrow
 * screen the sidebar folds away behind a Menu button in a top bar; it closes again on navigation and Escape.
 */
export const AppShell = ({ children }: { readonly children: ReactNode }) => {
  const api = useApi();
  const session = useSession();
  const { signedOut } = useSessionControl();
  const { pathname } = useLocation();
  const [signingOut, setSigningOut] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const sidebarId = useId();
  const menuButton = useRef<HTMLButtonElement>(null);

  useEffect(() => setMenuOpen(false), [pathname]);

  useEffect(() => {
    if (!menuOpen) return;
    // Escape closes the open sidebar, unless a menu or dialog inside it took the key.
    const closeOnEscape = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener('keydown', closeOnEscape);
    return () => document.removeEventListener('keydown', closeOnEscape);
  }, [menuOpen]);

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
    <div className={menuOpen ? 'shell shell-menu-open' : 'shell'}>
      <SkipLink />
      <header className="topbar">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true" />
          scm-connect
        </p>
        <button
          ref={menuButton}
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls={sidebarId}
          onClick={() => setMenuOpen((open) => !open)}
        >
          <span className="menu-button-icon" aria-hidden="true" />
          Menu
        </button>
      </header>
      {menuOpen ? (
        <div className="sidebar-backdrop" aria-hidden="true" onClick={() => setMenuOpen(false)} />
      ) : null}
      <aside id={sidebarId} className="sidebar" aria-label="Sidebar">
        <div className="sidebar-inner">
          <p className="brand sidebar-brand">
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
                  onClick={() => setMenuOpen(false)}
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
      <main className="content" id={mainContentId} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
};
