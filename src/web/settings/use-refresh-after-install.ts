import { useEffect, useRef } from 'react';
import { useLocation } from '../router/router-context.js';

/** The outcomes of GitHub's redirect after which an installation's event and first sync are still on their way. */
const awaited = new Set(['linked', 'installed']);

/**
 * Back from installing a GitHub Enterprise Server app (`?github=linked|installed`): `reload` runs every
 * `intervalMs` for `forMs`, so the organization and its repositories show up without a reload of the page.
 */
export const useRefreshAfterInstall = (reload: () => void, intervalMs = 3_000, forMs = 60_000): void => {
  const waiting = awaited.has(new URLSearchParams(useLocation().search).get('github') ?? '');
  const latest = useRef(reload);
  useEffect(() => {
    latest.current = reload;
  });
  useEffect(() => {
    if (!waiting) return;
    const until = Date.now() + forMs;
    const timer = setInterval(() => {
      if (Date.now() > until) clearInterval(timer);
      else latest.current();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [waiting, intervalMs, forMs]);
};
