import { useEffect, useState } from 'react';
import { severities, type Severity } from '../api/finding-schemas.js';
import { SelectField, TextField } from '../components/fields.js';
import { useTypedFilter } from '../lib/use-typed-filter.js';
import { severityLabels, stateFilterLabels } from './finding-display.js';
import { parseStateFilter, stateFilters, type FindingFilters } from './finding-filters.js';

export interface Option {
  readonly value: string;
  readonly label: string;
}

export interface FindingFilterFormProps {
  readonly filters: FindingFilters;
  /** Applies new filters: a pick is a new step in the history, typing replaces the current one. */
  readonly show: (next: FindingFilters, options?: { replace?: boolean }) => void;
  /** "All …" first, then one per repository / connection. */
  readonly repositoryOptions: readonly Option[];
  readonly connectionOptions: readonly Option[];
}

type TypedKey = 'ruleId' | 'tool' | 'branch' | 'tag' | 'q';

const TypedFilter = ({
  id,
  label,
  placeholder,
  filters,
  show,
}: {
  readonly id: TypedKey;
  readonly label: string;
  readonly placeholder: string;
} & Pick<FindingFilterFormProps, 'filters' | 'show'>) => {
  const [typed, setTyped] = useTypedFilter(filters[id], (value) =>
    show({ ...filters, [id]: value }, { replace: true }),
  );
  return (
    <TextField
      label={label}
      name={id}
      type="search"
      autoComplete="off"
      placeholder={placeholder}
      value={typed}
      onChange={(event) => setTyped(event.target.value)}
    />
  );
};

/**
 * The Findings filters: search, repository, state and severity in view, the rest under "More filters" (open
 * when one of them is in use). Picks apply at once, typed ones a moment after the last key.
 */
export const FindingFilterForm = ({
  filters,
  show,
  repositoryOptions,
  connectionOptions,
}: FindingFilterFormProps) => {
  const moreInUse = [filters.connectionId, filters.ruleId, filters.tool, filters.branch, filters.tag].some(
    (value) => value.trim() !== '',
  );
  const [moreOpen, setMoreOpen] = useState(moreInUse);
  // A link or Back that sets one of these filters shows them.
  useEffect(() => {
    if (moreInUse) setMoreOpen(true);
  }, [moreInUse]);
  const toggleSeverity = (severity: Severity, on: boolean) =>
    show({
      ...filters,
      severities: severities.filter((item) => (item === severity ? on : filters.severities.includes(item))),
    });

  return (
    <form
      className="form form-inline filters"
      role="search"
      aria-label="Filter findings"
      onSubmit={(event) => event.preventDefault()}
    >
      <TypedFilter id="q" label="Search" placeholder="Message, rule or path" filters={filters} show={show} />
      <SelectField
        label="Repository"
        name="repository"
        value={filters.repositoryId}
        options={repositoryOptions}
        onChange={(event) => show({ ...filters, repositoryId: event.target.value })}
      />
      <SelectField
        label="State"
        name="state"
        value={filters.state}
        options={stateFilters.map((value) => ({ value, label: stateFilterLabels[value] }))}
        onChange={(event) =>
          show({ ...filters, state: parseStateFilter(event.target.value, filters.scanId) })
        }
      />
      <fieldset className="field checkbox-group">
        <legend>Severity</legend>
        <div className="checkbox-row">
          {severities.map((severity) => (
            <label key={severity} className="checkbox">
              <input
                type="checkbox"
                name="severity"
                value={severity}
                checked={filters.severities.includes(severity)}
                onChange={(event) => toggleSeverity(severity, event.target.checked)}
              />
              {severityLabels[severity]}
            </label>
          ))}
        </div>
      </fieldset>
      <details
        className="more-filters"
        open={moreOpen}
        onToggle={(event) => setMoreOpen(event.currentTarget.open)}
      >
        <summary>More filters{moreInUse ? ' (in use)' : ''}</summary>
        <div className="more-filters-fields">
          <SelectField
            label="Connection"
            name="connection"
            value={filters.connectionId}
            options={connectionOptions}
            onChange={(event) => show({ ...filters, connectionId: event.target.value })}
          />
          <TypedFilter id="ruleId" label="Rule" placeholder="Rule id" filters={filters} show={show} />
          <TypedFilter id="tool" label="Tool" placeholder="e.g. ESLint" filters={filters} show={show} />
          <TypedFilter id="branch" label="Branch" placeholder="e.g. main" filters={filters} show={show} />
          <TypedFilter id="tag" label="Tag" placeholder="Repository tag" filters={filters} show={show} />
        </div>
      </details>
    </form>
  );
};
