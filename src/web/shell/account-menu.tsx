import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useApi } from '../api/api-context.js';
import { FormError } from '../components/form-error.js';
import { useNavigate } from '../router/router-context.js';
import { useSession, useSessionControl } from '../session/session-context.js';
import { CreateAccountDialog } from './create-account-dialog.js';
import { RenameAccountDialog } from './rename-account-dialog.js';

/**
 * The account name at the top of the sidebar; it opens a menu of the user's accounts (the current one
 * checked), the user's profile, "Rename account" for an admin of the current one, and "Create account".
 */
export const AccountMenu = () => {
  const api = useApi();
  const session = useSession();
  const { signedIn, signedOut } = useSessionControl();
  const navigate = useNavigate();
  const menuId = useId();
  const [open, setOpen] = useState(false);
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const current = session.accounts.find((account) => account.id === session.currentAccountId);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[aria-checked="true"], [role^="menuitem"]')?.focus();
    const closeOnOutside = (event: PointerEvent) => {
      if (event.target instanceof Node && !container.current?.contains(event.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', closeOnOutside);
    return () => document.removeEventListener('pointerdown', closeOnOutside);
  }, [open]);

  const close = () => {
    setOpen(false);
    trigger.current?.focus();
  };

  const switchTo = async (accountId: string) => {
    close();
    if (accountId === session.currentAccountId) return;
    setError(null);
    try {
      signedIn(await api.switchAccount(accountId));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'Could not switch account.');
    }
  };

  const handleMenuKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const index = items.findIndex((item) => item === document.activeElement);
    const focusAt = (next: number) => items[(next + items.length) % items.length]?.focus();
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      focusAt(index + 1);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      focusAt(index - 1);
    } else if (event.key === 'Home') {
      event.preventDefault();
      focusAt(0);
    } else if (event.key === 'End') {
      event.preventDefault();
      focusAt(items.length - 1);
    } else if (event.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div className="account-menu" ref={container}>
      <button
        ref={trigger}
        type="button"
        className="account-trigger"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="account-trigger-label">Account</span>
        <span className="account-trigger-name">{current?.name ?? 'No account'}</span>
        <span className="chevron" aria-hidden="true" />
      </button>
      {open ? (
        <div
          ref={menu}
          id={menuId}
          className="menu"
          role="menu"
          aria-label="Accounts"
          onKeyDown={handleMenuKey}
        >
          {session.accounts.map((account) => {
            const selected = account.id === session.currentAccountId;
            return (
              <button
                key={account.id}
                type="button"
                role="menuitemradio"
                aria-checked={selected}
                tabIndex={-1}
                className="menu-item"
                onClick={() => void switchTo(account.id)}
              >
                <span className="menu-check" aria-hidden="true">
                  {selected ? '✓' : ''}
                </span>
                <span className="menu-item-text">{account.name}</span>
                <span className="menu-item-meta">{account.role === 'admin' ? 'Admin' : 'Member'}</span>
              </button>
            );
          })}
          <div className="menu-separator" role="separator" />
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className="menu-item"
            onClick={() => {
              close();
              navigate('/profile');
            }}
          >
            <span className="menu-check" aria-hidden="true" />
            <span className="menu-item-text">Profile and sign-in methods</span>
          </button>
          {current?.role === 'admin' ? (
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="menu-item"
              onClick={() => {
                setOpen(false);
                setRenaming(true);
              }}
            >
              <span className="menu-check" aria-hidden="true" />
              <span className="menu-item-text">Rename account</span>
            </button>
          ) : null}
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className="menu-item"
            onClick={() => {
              setOpen(false);
              setCreating(true);
            }}
          >
            <span className="menu-check" aria-hidden="true">
              +
            </span>
            <span className="menu-item-text">Create account</span>
          </button>
        </div>
      ) : null}
      <FormError message={error} />
      {renaming && current ? (
        <RenameAccountDialog
          account={current}
          onClose={() => {
            setRenaming(false);
            trigger.current?.focus();
          }}
          onRenamed={(next) => {
            setRenaming(false);
            if (!next) {
              signedOut();
              return;
            }
            signedIn(next);
            trigger.current?.focus();
          }}
        />
      ) : null}
      {creating ? (
        <CreateAccountDialog
          onClose={() => setCreating(false)}
          onCreated={(next) => {
            signedIn(next);
            setCreating(false);
            navigate('/settings');
          }}
        />
      ) : null}
    </div>
  );
};
