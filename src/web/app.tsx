import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiProvider } from './api/api-context.js';
import { createApiClient } from './api/client.js';
import { createHttp } from './api/http.js';
import { CiRunPage } from './ci/ci-run-page.js';
import { CiRunsPage } from './ci/ci-runs-page.js';
import type { Session } from './api/schemas.js';
import { ActivityPage } from './pages/activity-page.js';
import { FindingPage } from './pages/finding-page.js';
import { FindingsPage } from './pages/findings-page.js';
import { GitHubConfirmPage } from './pages/github-confirm-page.js';
import { InvitePage } from './pages/invite-page.js';
import { LoginPage } from './pages/login-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { ProfilePage } from './pages/profile-page.js';
import { ProjectsPage } from './pages/projects-page.js';
import { SettingsPage, settingsTabs } from './pages/settings-page.js';
import { SetupPage } from './pages/setup-page.js';
import { matchPath } from './router/match-path.js';
import type { Router } from './router/router.js';
import { RouterProvider, useLocation, useNavigate } from './router/router-context.js';
import { SessionProvider, type SessionControl, type SessionState } from './session/session-context.js';
import { AppShell } from './shell/app-shell.js';
import { returnPath } from './sign-in/start-urls.js';

/**
 * Paths the server answers itself (where GitHub sends people back, the starts of sign-in with an SCM or an
 * identity provider): reached with a full page load.
 */
const isServerPath = (path: string): boolean =>
  /^\/github\/(setup|manifest)(\/|\?|$)/.test(path) || /^\/auth\//.test(path);

const Redirect = ({ to }: { readonly to: string }) => {
  const navigate = useNavigate();
  useEffect(() => {
    if (isServerPath(to)) window.location.replace(to);
    else navigate(to, { replace: true });
  }, [navigate, to]);
  return null;
};

const Splash = ({ children }: { readonly children: ReactNode }) => (
  <main className="auth-page">
    <div className="auth-card">{children}</div>
  </main>
);

const titles: readonly (readonly [string, string])[] = [
  ['/setup', 'Set up'],
  ['/login', 'Sign in'],
  ['/invite/:token', 'Invitation'],
  ['/projects', 'Projects'],
  ['/findings', 'Findings'],
  ['/findings/:findingId', 'Finding'],
  ['/activity', 'Activity'],
  ['/ci-jobs', 'CI job runs'],
  ['/ci-jobs/:runId', 'CI job run'],
  ['/github/confirm', 'Link a GitHub installation'],
  ['/profile', 'Profile'],
  ...settingsTabs.map((tab) => [tab.path, `Settings · ${tab.label}`] as const),
];

/** Picks the page for the location and the session state. */
const Routes = ({ state, reload }: { readonly state: SessionState; readonly reload: () => void }) => {
  const { pathname, search } = useLocation();

  useEffect(() => {
    const title = titles.find(([pattern]) => matchPath(pattern, pathname))?.[1];
    document.title = title ? `${title} · scm-connect` : 'scm-connect';
  }, [pathname]);

  const invite = matchPath('/invite/:token', pathname);
  if (invite) return <InvitePage token={invite.token!} />;

  if (state.status === 'loading') {
    return (
      <Splash>
        <p className="muted">Loading…</p>
      </Splash>
    );
  }
  if (state.status === 'error') {
    return (
      <Splash>
        <p className="form-error" role="alert">
          {state.message}
        </p>
        <button type="button" className="button button-primary" onClick={reload}>
          Try again
        </button>
      </Splash>
    );
  }

  const signedIn = state.status === 'signed-in';
  if (matchPath('/setup', pathname)) return signedIn ? <Redirect to="/projects" /> : <SetupPage />;
  if (matchPath('/login', pathname)) {
    // A refused sign-in or link comes back here with `error`: shown even to a browser that is signed in.
    if (!signedIn) return <LoginPage />;
    if (new URLSearchParams(search).has('error')) return <LoginPage signedInAs={state.session.user} />;
    return <Redirect to={returnPath(search)} />;
  }
  if (!signedIn) {
    const next = pathname === '/' ? '' : `?next=${encodeURIComponent(`${pathname}${search}`)}`;
    return <Redirect to={`/login${next}`} />;
  }

  if (matchPath('/', pathname)) return <Redirect to="/projects" />;
  const tab = settingsTabs.find((item) => matchPath(item.path, pathname));
  const finding = matchPath('/findings/:findingId', pathname);
  const ciRun = matchPath('/ci-jobs/:runId', pathname);
  let page: ReactNode;
  if (matchPath('/projects', pathname)) page = <ProjectsPage />;
  else if (matchPath('/findings', pathname)) page = <FindingsPage />;
  else if (finding) page = <FindingPage key={finding.findingId} findingId={finding.findingId!} />;
  else if (matchPath('/activity', pathname)) page = <ActivityPage />;
  else if (matchPath('/ci-jobs', pathname)) page = <CiRunsPage />;
  else if (ciRun) page = <CiRunPage key={ciRun.runId} runId={ciRun.runId!} />;
  else if (matchPath('/github/confirm', pathname)) page = <GitHubConfirmPage search={search} />;
  else if (matchPath('/profile', pathname)) page = <ProfilePage />;
  else if (tab) page = <SettingsPage tab={tab.id} />;
  else page = <NotFoundPage />;
  // A new account means new data everywhere: remount the page.
  return <AppShell key={state.session.currentAccountId ?? 'none'}>{page}</AppShell>;
};

/** The whole UI: router, API client and session, created once per page load. */
export const App = ({ router }: { readonly router: Router }) => {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const [api] = useState(() =>
    createApiClient(createHttp({ onUnauthorized: () => setState({ status: 'signed-out' }) })),
  );

  useEffect(() => {
    const controller = new AbortController();
    api.currentSession({ signal: controller.signal }).then(
      (session) => setState(session ? { status: 'signed-in', session } : { status: 'signed-out' }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          status: 'error',
          message: error instanceof Error ? error.message : 'Could not load the page.',
        });
      },
    );
    return () => controller.abort();
  }, [api, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const control = useMemo<SessionControl>(
    () => ({
      state,
      signedIn: (session: Session) => setState({ status: 'signed-in', session }),
      signedOut: () => {
        setState({ status: 'signed-out' });
        router.navigate('/login');
      },
      reload,
    }),
    [state, router, reload],
  );

  return (
    <RouterProvider value={router}>
      <ApiProvider value={api}>
        <SessionProvider value={control}>
          <Routes state={state} reload={reload} />
        </SessionProvider>
      </ApiProvider>
    </RouterProvider>
  );
};
