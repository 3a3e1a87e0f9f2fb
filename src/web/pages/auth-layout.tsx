import type { ReactNode } from 'react';

/** The centered card of the pages seen before sign-in. */
export const AuthLayout = ({ title, children }: { readonly title: string; readonly children: ReactNode }) => (
  <main className="auth-page">
    <div className="auth-card">
      <p className="brand brand-dark">
        <span className="brand-mark" aria-hidden="true" />
        scm-connect
      </p>
      <h1>{title}</h1>
      {children}
    </div>
  </main>
);
