import { findingStates, severities, type Severity } from '../api/finding-schemas.js';
import type { FindingQuery } from '../api/findings-client.js';

/** The state a person picks: a finding state, ignored findings, or any. */
export type StateFilter = (typeof stateFilters)[number];
export const stateFilters = [...findingStates, 'ignored', 'any'] as const;

/** The filters of the Findings page, as they stand in its address. */
export interface FindingFilters {
  /** Empty: every repository (and so on for each text filter). */
  readonly repositoryId: string;
  readonly connectionId: string;
  readonly ruleId: string;
  /** None: every severity. */
  readonly severities: readonly Severity[];
  readonly state: StateFilter;
  readonly tool: string;
  readonly branch: string;
  readonly tag: string;
  readonly q: string;
  /** The findings one scan reported (the URL `scm-connect scans upload` prints). */
  readonly scanId: string;
  /** Of a pull request scan, only the findings new in that pull request. */
  readonly newInPullRequest: boolean;
}

/** The text filters a person types, each under its own parameter in the address. */
export const textFilterKeys = [
  'repositoryId',
  'connectionId',
  'ruleId',
  'tool',
  'branch',
  'tag',
  'q',
  'scanId',
] as const;
type TextFilterKey = (typeof textFilterKeys)[number];

const parameterOf: Readonly<Record<TextFilterKey, string>> = {
  repositoryId: 'repository',
  connectionId: 'connection',
  ruleId: 'rule',
  tool: 'tool',
  branch: 'branch',
  tag: 'tag',
  q: 'q',
  scanId: 'scan',
};

export const pageSize = 50;

/** Without a scan the page shows what needs work (open findings); a scan's page shows all it reported. */
export const defaultState = (scanId: string): StateFilter => (scanId ? 'any' : 'open');

export const emptyFindingFilters: FindingFilters = {
  repositoryId: '',
  connectionId: '',
  ruleId: '',
  severities: [],
  state: 'open',
  tool: '',
  branch: '',
  tag: '',
  q: '',
  scanId: '',
  newInPullRequest: false,
};

const isSeverity = (value: string): value is Severity => (severities as readonly string[]).includes(value);

export const parseStateFilter = (value: string, scanId = ''): StateFilter =>
  (stateFilters as readonly string[]).includes(value) ? (value as StateFilter) : defaultState(scanId);

/**
 * The filters in the page's address (`?repository=…&severity=high&severity=critical&state=ignored&q=…`): a
 * reload, back and forward, or a shared link show the same findings. Unknown or empty parameters mean "no
 * filter"; severities keep the order of the scale and appear once.
 */
export const findingFiltersFromSearch = (search: string): FindingFilters => {
  const params = new URLSearchParams(search);
  const text = (key: TextFilterKey) => (params.get(parameterOf[key]) ?? '').trim();
  const scanId = text('scanId');
  const picked = new Set(params.getAll('severity').filter(isSeverity));
  return {
    repositoryId: text('repositoryId'),
    connectionId: text('connectionId'),
    ruleId: text('ruleId'),
    severities: severities.filter((severity) => picked.has(severity)),
    state: parseStateFilter(params.get('state') ?? '', scanId),
    tool: text('tool'),
    branch: text('branch'),
    tag: text('tag'),
    q: text('q'),
    scanId,
    newInPullRequest: scanId !== '' && params.get('new') === 'true',
  };
};

/** The query string of the filters (`''` for none); only filters that narrow the list appear. */
export const searchOfFindingFilters = (filters: FindingFilters): string => {
  const params = new URLSearchParams();
  for (const key of textFilterKeys) {
    const value = filters[key].trim();
    if (value) params.set(parameterOf[key], value);
  }
  for (const severity of severities)
    if (filters.severities.includes(severity)) params.append('severity', severity);
  if (filters.state !== defaultState(filters.scanId.trim())) params.set('state', filters.state);
  if (filters.newInPullRequest && filters.scanId.trim()) params.set('new', 'true');
  const query = params.toString();
  return query ? `?${query}` : '';
};

/** The page's address with these filters: what the Projects page links to. */
export const findingsPath = (filters: Partial<FindingFilters>): string =>
  `/findings${searchOfFindingFilters({ ...emptyFindingFilters, ...filters, state: filters.state ?? defaultState(filters.scanId ?? '') })}`;

/** The listing (and export) query for the filters, from `cursor` on. */
export const findingQuery = (filters: FindingFilters, cursor?: string): FindingQuery => ({
  ...(filters.repositoryId ? { repositoryId: filters.repositoryId } : {}),
  ...(filters.connectionId ? { connectionId: filters.connectionId } : {}),
  ...(filters.ruleId.trim() ? { ruleId: filters.ruleId.trim() } : {}),
  ...(filters.severities.length > 0 ? { severity: filters.severities } : {}),
  ...(filters.state === 'any' ? {} : { state: filters.state }),
  ...(filters.tool.trim() ? { tool: filters.tool.trim() } : {}),
  ...(filters.branch.trim() ? { branch: filters.branch.trim() } : {}),
  ...(filters.tag.trim() ? { tag: filters.tag.trim().toLowerCase() } : {}),
  ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
  ...(filters.scanId ? { scan: filters.scanId } : {}),
  ...(filters.scanId && filters.newInPullRequest ? { newInPullRequest: true } : {}),
  limit: pageSize,
  ...(cursor ? { cursor } : {}),
});

/** Whether anything beyond the default narrows the list (the empty state then says "change the filters"). */
export const isFiltered = (filters: FindingFilters): boolean =>
  textFilterKeys.some((key) => key !== 'scanId' && filters[key].trim() !== '') ||
  filters.severities.length > 0 ||
  filters.state !== defaultState(filters.scanId) ||
  filters.newInPullRequest;
