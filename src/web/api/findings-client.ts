import {
  findingDetailSchema,
  findingPageSchema,
  findingSchema,
  scanSchema,
  type Finding,
  type FindingDetail,
  type FindingPage,
  type FindingState,
  type IgnoreReason,
  type Scan,
  type Severity,
} from './finding-schemas.js';
import type { Http, RequestOptions } from './http.js';

/** What `GET …/findings` (and the export) filter on; empty fields are left out of the query. */
export interface FindingQuery {
  readonly repositoryId?: string;
  readonly connectionId?: string;
  readonly ruleId?: string;
  readonly severity?: readonly Severity[];
  /** `ignored`: ignored findings, whatever their state. */
  readonly state?: FindingState | 'ignored';
  readonly tool?: string;
  readonly branch?: string;
  readonly scan?: string;
  readonly newInPullRequest?: boolean;
  readonly tag?: string;
  readonly q?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

export type TriageAction =
  | { readonly action: 'ignore'; readonly reason: IgnoreReason; readonly note?: string }
  | { readonly action: 'reopen'; readonly note?: string };

export type ExportFormat = 'csv' | 'sarif';

/** The calls of the Findings pages. */
export interface FindingsApi {
  listFindings(accountId: string, query: FindingQuery, options?: RequestOptions): Promise<FindingPage>;
  getFinding(accountId: string, findingId: string, options?: RequestOptions): Promise<FindingDetail>;
  /** Ignore with a reason, or reopen; answers the finding as it now is. */
  triageFinding(accountId: string, findingId: string, action: TriageAction): Promise<Finding>;
  getScan(accountId: string, scanId: string, options?: RequestOptions): Promise<Scan>;
}

const seg = encodeURIComponent;
const accountPath = (accountId: string) => `/api/v1/accounts/${seg(accountId)}`;

/** The query parameters of a findings listing or export (`severity` repeated); without cursor and limit. */
const filterParams = (query: FindingQuery): URLSearchParams => {
  const params = new URLSearchParams();
  const text = (name: string, value: string | undefined) => {
    const trimmed = value?.trim();
    if (trimmed) params.set(name, trimmed);
  };
  text('repositoryId', query.repositoryId);
  text('connectionId', query.connectionId);
  text('ruleId', query.ruleId);
  for (const severity of query.severity ?? []) params.append('severity', severity);
  text('state', query.state);
  text('tool', query.tool);
  text('branch', query.branch);
  text('scan', query.scan);
  if (query.newInPullRequest) params.set('newInPullRequest', 'true');
  text('tag', query.tag);
  text('q', query.q);
  return params;
};

/** The query string of a findings listing; empty filters are left out. */
export const findingQueryString = (query: FindingQuery): string => {
  const params = filterParams(query);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  const text = params.toString();
  return text ? `?${text}` : '';
};

/** Where the browser downloads the findings matching `query` as CSV or SARIF (a plain link: GET, same origin). */
export const findingsExportPath = (accountId: string, format: ExportFormat, query: FindingQuery): string => {
  const params = filterParams(query);
  params.set('format', format);
  return `${accountPath(accountId)}/findings/export?${params.toString()}`;
};

export const createFindingsApi = (http: Http): FindingsApi => ({
  listFindings: (accountId, query, options) =>
    http.request(
      'GET',
      `${accountPath(accountId)}/findings${findingQueryString(query)}`,
      findingPageSchema,
      undefined,
      options,
    ),

  getFinding: (accountId, findingId, options) =>
    http.request(
      'GET',
      `${accountPath(accountId)}/findings/${seg(findingId)}`,
      findingDetailSchema,
      undefined,
      options,
    ),

  triageFinding: (accountId, findingId, action) =>
    http.request(
      'POST',
      `${accountPath(accountId)}/findings/${seg(findingId)}/triage`,
      findingSchema,
      action,
    ),

  getScan: (accountId, scanId, options) =>
    http.request('GET', `${accountPath(accountId)}/scans/${seg(scanId)}`, scanSchema, undefined, options),
});
