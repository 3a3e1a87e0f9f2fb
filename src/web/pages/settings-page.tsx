import { useRef, type KeyboardEvent } from 'react';
import { useNavigate } from '../router/router-context.js';
import { useCurrentAccount } from '../session/session-context.js';
import { CiSettingsTab } from '../ci/ci-settings-tab.js';
import { CommentsTab } from '../settings/comments-tab.js';
import { MembersTab } from '../settings/members-tab.js';
import { ScmTab } from '../settings/scm-tab.js';
import { TokensTab } from '../settings/tokens-tab.js';
import { SsoTab } from '../sso/sso-tab.js';

export const settingsTabs = [
  { id: 'scm', path: '/settings', label: 'Source Code Managers' },
  { id: 'members', path: '/settings/members', label: 'Members' },
  { id: 'sso', path: '/settings/sso', label: 'Single sign-on' },
  { id: 'tokens', path: '/settings/tokens', label: 'API tokens' },
  { id: 'comments', path: '/settings/comments', label: 'Pull request comments' },
  { id: 'ci', path: '/settings/ci', label: 'CI job' },
] as const;

export type SettingsTabId = (typeof settingsTabs)[number]['id'];

/** Settings of the current account, one tab per area; each tab has its own address. */
export const SettingsPage = ({ tab }: { readonly tab: SettingsTabId }) => {
  const navigate = useNavigate();
  const account = useCurrentAccount();
  const tabList = useRef<HTMLDivElement>(null);

  if (!account) {
    return (
      <>
        <header className="page-header">
          <h1>Settings</h1>
        </header>
        <p>You are not a member of any account yet. Create one from the account menu.</p>
      </>
    );
  }

  const select = (index: number) => {
    const next = settingsTabs[(index + settingsTabs.length) % settingsTabs.length]!;
    navigate(next.path);
    tabList.current?.querySelector<HTMLElement>(`#tab-${next.id}`)?.focus();
  };

  const handleKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = settingsTabs.findIndex((item) => item.id === tab);
    if (event.key === 'ArrowRight') select(index + 1);
    else if (event.key === 'ArrowLeft') select(index - 1);
    else if (event.key === 'Home') select(0);
    else if (event.key === 'End') select(settingsTabs.length - 1);
    else return;
    event.preventDefault();
  };

  return (
    <>
      <header className="page-header">
        <h1>Settings</h1>
        <p className="muted">{account.name}</p>
      </header>
      <div className="tabs" role="tablist" aria-label="Settings" ref={tabList} onKeyDown={handleKey}>
        {settingsTabs.map((item) => (
          <button
            key={item.id}
            id={`tab-${item.id}`}
            type="button"
            role="tab"
            aria-selected={item.id === tab}
            aria-controls={`panel-${item.id}`}
            tabIndex={item.id === tab ? 0 : -1}
            className={item.id === tab ? 'tab tab-active' : 'tab'}
            onClick={() => navigate(item.path)}
          >
            {item.label}
          </button>
        ))}
      </div>
      <div className="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'scm' ? <ScmTab account={account} /> : null}
        {tab === 'members' ? <MembersTab account={account} /> : null}
        {tab === 'sso' ? <SsoTab account={account} /> : null}
        {tab === 'tokens' ? <TokensTab account={account} /> : null}
        {tab === 'comments' ? <CommentsTab account={account} /> : null}
        {tab === 'ci' ? <CiSettingsTab account={account} /> : null}
      </div>
    </>
  );
};
