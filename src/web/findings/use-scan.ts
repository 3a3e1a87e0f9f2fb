import { useEffect, useRef, useState } from 'react';
import type { Scan } from '../api/finding-schemas.js';
import type { FindingsApi } from '../api/findings-client.js';
import type { Resource } from '../lib/use-resource.js';
import { isActiveScan } from './finding-display.js';

/** How often a queued or processing scan is read again. */
const pollMs = 1_000;

/**
 * One scan, read again every second while it is queued or processing. `onFinished` is called when a scan that
 * was being processed on screen is done (processed or failed), so the page can load what it reported.
 */
export const useScan = (
  api: Pick<FindingsApi, 'getScan'>,
  accountId: string,
  scanId: string,
  onFinished: () => void,
): Resource<Scan> | null => {
  const [scan, setScan] = useState<Resource<Scan>>({ status: 'loading' });
  const finished = useRef(onFinished);
  useEffect(() => {
    finished.current = onFinished;
  });

  useEffect(() => {
    if (!scanId) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wasActive = false;
    setScan({ status: 'loading' });
    const read = async () => {
      try {
        const current = await api.getScan(accountId, scanId, { signal: controller.signal });
        if (controller.signal.aborted) return;
        setScan({ status: 'ready', data: current });
        if (isActiveScan(current)) {
          wasActive = true;
          timer = setTimeout(() => void read(), pollMs);
        } else if (wasActive) {
          finished.current();
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        setScan({
          status: 'error',
          message: error instanceof Error ? error.message : 'Could not load the scan.',
        });
      }
    };
    void read();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
    // `api` is created once per page load.
  }, [accountId, scanId]);

  return scanId ? scan : null;
};
