import { ScmError } from '../../scm/errors.js';

export type CiFileErrorCode = 'ci_file_invalid' | 'ci_file_unmergeable';

/**
 * An existing CI file the scanner's job cannot be written into: `ci_file_invalid` when it is not valid YAML or its
 * top level is not a map, `ci_file_unmergeable` when its shape leaves no safe place for the job. Kind `invalid`:
 * retrying does not help until someone edits the file, which `fix` tells them how to do.
 */
export class CiFileError extends ScmError {
  declare readonly code: CiFileErrorCode;
  declare readonly fix: string;

  constructor(code: CiFileErrorCode, message: string, fix: string) {
    super('invalid', message, { code, fix });
    this.name = 'CiFileError';
  }
}
