export { parseAllowlist, type AllowlistEntry } from './allowlist.js';
export {
  createScmHttp,
  createScmHttpShared,
  type LookupFunction,
  type ScmHttp,
  type ScmHttpOptions,
  type ScmHttpShared,
  type ScmRequest,
  type ScmResponse,
} from './client.js';
export { checkAddress, type AddressPolicy } from './guard.js';
export {
  continuationTokenPagination,
  linkHeaderPagination,
  nextUrlPagination,
  startLimitPagination,
  type Page,
  type PaginationStrategy,
} from './pagination.js';
export {
  answerOrRefusal,
  parseAnswer,
  requestOrRefusal,
  type AnswerReader,
  type RefusableAnswer,
} from './refusal.js';
export { type RetryOptions } from './retry.js';
export { normalizeBaseUrl, redactUrl } from './url.js';
