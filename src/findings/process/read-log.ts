import { gunzipSync } from 'node:zlib';
import { AppError } from '../../core/errors.js';
import { asArray, asObject, type JsonObject } from './sarif-values.js';

/** A log that cannot be processed: the scan fails with this code, and the job is not retried. */
export const badLog = (message: string): AppError => new AppError(422, 'invalid_log', message);

/** Decodes a stored log (gzip, then base64) into its runs; throws {@link badLog} when it is not a SARIF 2.1.0 log. */
export function readStoredLog(logGzipBase64: string): readonly JsonObject[] {
  let text: string;
  try {
    text = gunzipSync(Buffer.from(logGzipBase64, 'base64')).toString('utf8');
  } catch {
    throw badLog('The stored log is not gzip data: upload the SARIF file again.');
  }
  let log: unknown;
  try {
    log = JSON.parse(text);
  } catch {
    throw badLog('The stored log is not JSON: upload a SARIF 2.1.0 file.');
  }
  const object = asObject(log);
  if (!object) throw badLog('The log is not a JSON object: upload a SARIF 2.1.0 file.');
  if (object.version !== '2.1.0') throw badLog('version: must be "2.1.0"; upload a SARIF 2.1.0 file.');
  if (!Array.isArray(object.runs)) throw badLog('runs: must be an array of runs.');
  return asArray(object.runs).map((run, index) => {
    const value = asObject(run);
    if (!value) throw badLog(`runs[${index}]: must be an object.`);
    const driver = asObject(asObject(value.tool)?.driver);
    if (typeof driver?.name !== 'string' || driver.name === '') {
      throw badLog(`runs[${index}].tool.driver.name: must be a non-empty string.`);
    }
    if (value.results !== undefined && value.results !== null && !Array.isArray(value.results)) {
      throw badLog(`runs[${index}].results: must be an array.`);
    }
    return value;
  });
}

/** The category of a run: `automationDetails.id` up to its last `/` (SARIF), '' when none. */
export function categoryOf(run: JsonObject): string {
  const id = asObject(run.automationDetails)?.id;
  if (typeof id !== 'string') return '';
  const slash = id.lastIndexOf('/');
  return slash < 0 ? id : id.slice(0, slash);
}
