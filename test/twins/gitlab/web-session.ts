import { randomBytes } from 'node:crypto';
import type { TwinRequest, TwinResponse, TwinRouter } from '../server/twin-server.js';
import { cookieOf, esc, formOf, hidden, htmlPage, redirect, safeReturn } from '../server/web-page.js';
import type { GitLabState, GitLabUser } from './state.js';

export const SESSION_COOKIE = '_gitlab_session';

/** A complete HTML page of the GitLab twin. */
export const gitLabPage = (title: string, body: string, status = 200, headers: Record<string, string> = {}) =>
  htmlPage('GitLab twin', title, body, status, headers);

/** Starts a web session for `user`; returns the cookie value. */
export function createSession(state: GitLabState, user: GitLabUser): string {
  const id = randomBytes(18).toString('base64url');
  state.oauth.sessions.set(id, user.id);
  return id;
}

/** The signed-in, active user of a web request, if any. */
export function sessionUser(state: GitLabState, request: TwinRequest): GitLabUser | undefined {
  const id = cookieOf(request, SESSION_COOKIE);
  const userId = id === undefined ? undefined : state.oauth.sessions.get(id);
  const user = userId === undefined ? undefined : state.users.get(userId);
  return user?.state === 'active' ? user : undefined;
}

/** The signed-in user, or a redirect to the sign-in page that comes back to this URL. */
export function requireSignIn(state: GitLabState, request: TwinRequest): GitLabUser | TwinResponse {
  const user = sessionUser(state, request);
  if (user) return user;
  return redirect(
    `/users/sign_in?redirect_to=${encodeURIComponent(request.url.pathname + request.url.search)}`,
  );
}

function signInPage(returnTo: string, error?: string): TwinResponse {
  return gitLabPage(
    'Sign in to GitLab',
    `${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/users/sign_in">
${hidden({ redirect_to: returnTo })}
<label for="user_login">Username or primary email</label>
<input id="user_login" name="user[login]" autocomplete="username" required>
<label for="user_password">Password</label>
<input id="user_password" name="user[password]" type="password" autocomplete="current-password" required>
<p><button type="submit">Sign in</button></p>
</form>`,
    error ? 401 : 200,
  );
}

/**
 * `GET|POST /users/sign_in` and `POST /users/sign_out`. A blocked person is refused with GitLab's message; a
 * deactivated one is reactivated by signing in, as GitLab does.
 */
export function registerSessionPages(router: TwinRouter, state: GitLabState): void {
  router.get('/users/sign_in', (req) => signInPage(safeReturn(req.url.searchParams.get('redirect_to'))));
  router.post('/users/sign_in', (req) => {
    const form = formOf(req);
    const login = form.get('user[login]') ?? '';
    const returnTo = safeReturn(form.get('redirect_to'));
    const user = [...state.users.values()].find(
      (u) => u.username.toLowerCase() === login.toLowerCase() || (u.email !== undefined && u.email === login),
    );
    if (!user || user.bot || user.password === undefined || user.password !== form.get('user[password]')) {
      return signInPage(returnTo, 'Invalid login or password.');
    }
    if (user.state === 'blocked') {
      return signInPage(
        returnTo,
        'Your account has been blocked. Please contact your GitLab administrator if you think this is an error.',
      );
    }
    user.state = 'active';
    const id = createSession(state, user);
    return redirect(returnTo, { 'set-cookie': `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax` });
  });
  router.post('/users/sign_out', (req) => {
    const id = cookieOf(req, SESSION_COOKIE);
    if (id !== undefined) state.oauth.sessions.delete(id);
    return redirect('/users/sign_in', { 'set-cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0` });
  });
}
