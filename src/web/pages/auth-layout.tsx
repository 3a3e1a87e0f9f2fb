import type { ReactNode } from 'react';
import { mainContentId, SkipLink } from '../components/skip-link.js';

/** The centered card of the pages seen before sign-in. */
export const AuthLayout = ({ title, children }: { readonly title: string; readonly children: ReactNode }) => (
  <>
    <SkipLink />
    <main className="auth-page" id={mainContentId} tabIndex={-1}>
      <div className="auth-card">
        <p className="brand brand-dark">
          <span className="brand-mark" aria-hidden="true" />
          scm-connect
        </p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  </>
);
