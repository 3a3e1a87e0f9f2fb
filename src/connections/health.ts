import { AppError } from '../core/errors.js';
import { connectionTokenAad } from '../db/secret-columns.js';
import { safeErrorMessage } from '../jobs/index.js';
import { ScmError } from '../scm/errors.js';
import {
  buildTestReport,
  capabilityRows,
  notCheckedRow,
  type Check,
  type TestReport,
} from '../scm/provider.js';
import { SecretError, type SecretBox } from '../secrets/index.js';

/** What went wrong, as the API and the connection's status show it. */
export interface ConnectionProblem {
  readonly code: string;
  readonly message: string;
}

const enterAgain =
  'Enter the token again: open Edit on the connection and paste the token (or a new one with the same scopes).';

/**
 * The stored token no longer decrypts (altered, copied from another row, or under a key the keyring lacks). It
 * is the admin's to fix, so nothing retries it: a sync fails at once, a test reports it.
 */
export class UnreadableTokenError extends AppError {
  constructor(message = `The stored token of this connection can no longer be read. ${enterAgain}`) {
    super(422, 'credentials_invalid', message);
    this.name = 'UnreadableTokenError';
  }
}

/** The connection's token, decrypted for this call; an {@link UnreadableTokenError} when it no longer decrypts. */
export function readStoredToken(
  secrets: SecretBox,
  row: { readonly account_id: string; readonly id: string; readonly token_encrypted: string },
): string {
  try {
    return secrets.decrypt(row.token_encrypted, connectionTokenAad(row.account_id, row.id));
  } catch (error) {
    if (error instanceof SecretError) throw new UnreadableTokenError();
    throw error;
  }
}

/** The code and safe message of whatever a sync threw. */
export function problemOf(error: unknown): ConnectionProblem {
  const code = error instanceof ScmError || error instanceof AppError ? error.code : 'internal_error';
  return { code, message: safeErrorMessage(error) };
}

/** The report of a connection whose token no longer decrypts: nothing was asked of the SCM. */
export function unreadableTokenReport(now: Date): TestReport {
  const notChecked = notCheckedRow('the stored token cannot be read.');
  return buildTestReport(
    {
      reachable: notChecked,
      scopes: undefined,
      target: {
        status: 'fail',
        code: 'credentials_invalid',
        message:
          'The stored token can no longer be read: it was altered, copied from another connection, or ' +
          'encrypted with a key this instance no longer has.',
        fix: enterAgain,
      },
      capabilities: capabilityRows({}, notChecked),
    },
    now,
  );
}

const withFix = (line: Check) => (line.fix ? `${line.message} ${line.fix}` : line.message);

/**
 * The problem a failed report shows first, or undefined when the report passed (warnings included): the
 * instance, then the token (expiry, scopes), the target, and the first capability that fails. A line carries
 * its SCM error's code where it has one; otherwise the code names the check.
 */
export function reportProblem(report: TestReport): ConnectionProblem | undefined {
  if (report.ok) return undefined;
  if (report.reachable.status === 'fail') {
    return { code: report.reachable.code ?? 'upstream_unreachable', message: withFix(report.reachable) };
  }
  const expiry = report.tokenExpiry;
  if (expiry?.status === 'fail') {
    const message = [expiry.warning ?? 'The token has expired.', expiry.fix].filter(Boolean).join(' ');
    return { code: 'token_expired', message };
  }
  if (report.target.status === 'fail') {
    return { code: report.target.code ?? 'target_not_found', message: withFix(report.target) };
  }
  const missing = report.scopes?.missing ?? [];
  if (missing.length > 0) {
    const names = missing.map((scope) => `\`${scope}\``).join(', ');
    return {
      code: 'insufficient_scopes',
      message: `The token lacks ${names}: create one that also has ${missing.length === 1 ? 'it' : 'them'}.`,
    };
  }
  const capability = report.capabilities.find((line) => line.status === 'fail');
  if (capability) {
    return {
      code: capability.code ?? 'capability_unavailable',
      message: `${capability.label}: ${withFix(capability)}`,
    };
  }
  return {
    code: 'connection_test_failed',
    message: 'The connection test failed: run it again for the details.',
  };
}
