import { z } from 'zod';

/** The `scm-connect` release the CI job's upload step runs (`npx scm-connect@…`): the package's own version. */
export const scmConnectCliVersion = '0.1.0';

/** The account's template for the scanner's CI job: what runs, where, and when. */
export interface CiJobSettings {
  /** Container image the scan runs in. Default `semgrep/semgrep`. */
  readonly image: string;
  /** One shell line that scans the checkout and writes SARIF to `sarifPath`. */
  readonly scanCommand: string;
  /** Where the scan writes its SARIF log, relative to the checkout. Default `scm-connect.sarif`. */
  readonly sarifPath: string;
  /** Container image with Node.js 20 or newer for the upload. Default `node:24-alpine`. */
  readonly uploadImage: string;
  /** One shell line, run with the SARIF path appended: `npx --yes scm-connect@0.1.0 scans upload`. */
  readonly uploadCommand: string;
  /** The CI secret (or variable) holding the upload's API token; the job hands it to `SCM_CONNECT_API_TOKEN`. */
  readonly secretName: string;
  /** When the job runs: on pull requests, on pushes to the default branch, once a day. At least one. */
  readonly triggers: {
    readonly pullRequests: boolean;
    readonly defaultBranchPushes: boolean;
    readonly schedule: boolean;
  };
}

export const defaultCiJobSettings: CiJobSettings = {
  image: 'semgrep/semgrep',
  scanCommand: 'semgrep scan --config auto --sarif --output scm-connect.sarif',
  sarifPath: 'scm-connect.sarif',
  uploadImage: 'node:24-alpine',
  uploadCommand: `npx --yes scm-connect@${scmConnectCliVersion} scans upload`,
  secretName: 'SCM_CONNECT_API_TOKEN',
  triggers: { pullRequests: true, defaultBranchPushes: true, schedule: true },
};

/** A container image reference (`registry:5000/team/scanner:1.2@sha256:…`): nothing a shell would read twice. */
const imageSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/,
    'an image reference such as `semgrep/semgrep` or `node:24-alpine`',
  );

/** One command line: no line break (each CI system runs it as one script line) and no NUL. */
const commandSchema = z
  .string()
  .min(1)
  .max(2000)
  .regex(/^[^\0\r\n\u2028\u2029]+$/, 'one line, without line breaks')
  .refine((text) => text.trim() === text, 'no leading or trailing spaces');

/** A path inside the checkout: relative, `/`-separated, no `..`, characters a shell leaves alone. */
const sarifPathSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._\-/]+$/, 'letters, digits, `.`, `_`, `-` and `/` only')
  .refine(
    (path) => !path.startsWith('/') && path.split('/').every((part) => part !== '' && part !== '..'),
    'a path relative to the checkout, without `..` or empty parts',
  );

export const ciJobSettingsSchema: z.ZodType<CiJobSettings> = z.strictObject({
  image: imageSchema,
  scanCommand: commandSchema,
  sarifPath: sarifPathSchema,
  uploadImage: imageSchema,
  uploadCommand: commandSchema,
  secretName: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,99}$/, 'capital letters, digits and `_`, starting with a letter, at most 100'),
  triggers: z
    .strictObject({
      pullRequests: z.boolean(),
      defaultBranchPushes: z.boolean(),
      schedule: z.boolean(),
    })
    .refine(
      (triggers) => triggers.pullRequests || triggers.defaultBranchPushes || triggers.schedule,
      'choose at least one trigger',
    ),
});
