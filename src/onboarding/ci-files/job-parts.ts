import { ScmError } from '../../scm/errors.js';
import type { CiJobSettings } from '../ci-settings.js';

/** Names scm-connect gives its jobs, steps and artifacts: how a later run finds (and replaces) its own. */
export const jobNames = {
  scan: 'scm-connect-scan',
  upload: 'scm-connect-upload',
  /** Bitbucket step names (`step.name`). */
  scanStep: 'scm-connect scan',
  uploadStep: 'scm-connect upload',
  /** Azure Pipelines identifiers allow only letters, digits and `_`. */
  azureJob: 'scm_connect_scan',
  azureStage: 'scm_connect',
  artifact: 'scm-connect-sarif',
  scheduleName: 'scm-connect daily scan',
} as const;

/** The comment put above what scm-connect adds to a file. */
export const addedComment =
  " Added by scm-connect: the scanner's CI job scans the code and uploads its SARIF log to scm-connect.";

/** The variable the upload reads its token from (src/cli/scans.ts). */
export const tokenVariable = 'SCM_CONNECT_API_TOKEN';
export const urlVariable = 'SCM_CONNECT_URL';

/** The upload's command line: the admin's upload command and the SARIF path, both validated settings. */
export const uploadLine = (settings: CiJobSettings) => `${settings.uploadCommand} ${settings.sarifPath}`;

/** `text` as one POSIX shell word. */
export const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * The service's public URL as CI files may hold it: http(s), no credentials, query or fragment, and only
 * characters no CI system expands (`$`, `{`, `}`) or a shell splits (quotes, spaces).
 */
export function ciServiceUrl(serviceUrl: string): string {
  let url: URL | undefined;
  try {
    url = new URL(serviceUrl);
  } catch {
    url = undefined;
  }
  const text = url?.href.replace(/\/+$/, '');
  if (
    url === undefined ||
    text === undefined ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== '' ||
    !/^https?:\/\/[A-Za-z0-9.\-_~:/%[\]]+$/.test(text)
  ) {
    throw new ScmError('invalid', "The service's public URL cannot be written into a CI file.", {
      code: 'public_url_invalid',
      fix: 'Set SCM_CONNECT_PUBLIC_URL to the http(s) address CI jobs reach scm-connect at, such as https://scm.example.com, without credentials, query or special characters.',
    });
  }
  return text;
}
