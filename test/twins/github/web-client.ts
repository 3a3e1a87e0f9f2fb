import { FormClient, type WebPage } from '../server/web-client.js';

export type { WebPage } from '../server/web-client.js';

/** The twins' form client with GitHub's sign-in page filled in by `signIn`. */
export class WebClient extends FormClient {
  /** Sign in on the twin's sign-in page (when `page` is it). */
  signIn(page: WebPage, login: string, password: string): Promise<WebPage> {
    return this.submit(page, 'Sign in', { fill: { 'Username or email address': login, Password: password } });
  }
}
