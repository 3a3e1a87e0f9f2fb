import { randomBytes } from 'node:crypto';
import type { TwinRequest, TwinResponse, TwinRouter } from '../server/twin-server.js';
import { esc, formOf, hidden, page, redirect } from './html.js';
import type { GitHubState, UserRecord } from './state.js';

export const SESSION_COOKIE = 'gh_twin_session';

/** Start a web session for `user`; returns the cookie value. */
export function createSession(state: GitHubState, user: UserRecord): string {
  const id = randomBytes(18).toString('base64url');
  state.sessions.set(id, user.id);
  return id;
}

/** The signed-in GitHub user of a web request, if any. */
export function sessionUser(state: GitHubState, request: TwinRequest): UserRecord | undefined {
  const cookies = String(request.headers.cookie ?? '');
  for (const part of cookies.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== SESSION_COOKIE) continue;
    const userId = state.sessions.get(rest.join('='));
    return userId === undefined ? undefined : state.users.get(userId);
  }
  return undefined;
}

/** The signed-in user, or a redirect to the sign-in page that comes back to this URL. */
export function requireSignIn(state: GitHubState, request: TwinRequest): UserRecord | TwinResponse {
  const user = sessionUser(state, request);
  if (user) return user;
  return redirect(`/login?return_to=${encodeURIComponent(request.url.pathname + request.url.search)}`);
}

const safeReturn = (value: string | null): string =>
  value && value.startsWith('/') && !value.startsWith('//') ? value : '/';

function signInPage(returnTo: string, error?: string): TwinResponse {
  return page(
    'Sign in to GitHub',
    `${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/session">
${hidden({ return_to: returnTo })}
<label for="login_field">Username or email address</label>
<input id="login_field" name="login" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<p><button type="submit">Sign in</button></p>
</form>`,
    error ? 401 : 200,
  );
}

/** `GET /login`, `POST /session`, `POST /logout`. */
export function registerSessionPages(router: TwinRouter, state: GitHubState): void {
  router.get('/login', (req) => signInPage(safeReturn(req.url.searchParams.get('return_to'))));
  router.post('/session', (req) => {
    const form = formOf(req);
    const login = form.get('login') ?? '';
    const user =
      state.userByLogin(login) ??
      [...state.users.values()].find((u) => u.email !== null && u.email === login);
    const returnTo = safeReturn(form.get('return_to'));
    if (
      !user ||
      user.type !== 'User' ||
      user.password === undefined ||
      user.password !== form.get('password')
    ) {
      return signInPage(returnTo, 'Incorrect username or password.');
    }
    const id = createSession(state, user);
    return redirect(returnTo, { 'set-cookie': `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax` });
  });
  router.post('/logout', () => redirect('/', { 'set-cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0` }));
  router.get('/', (req) => {
    const user = sessionUser(state, req);
    return page(
      'GitHub twin',
      user ? `<p>Signed in as ${esc(user.login)}.</p>` : '<p><a href="/login">Sign in</a></p>',
    );
  });
}
