import { useEffect, useRef } from 'react';
import type { RowSelection } from './use-repository-selection.js';

/** The header cell whose box selects (or clears) every row shown; half-ticked when only some are. */
export const SelectPageHeader = ({ selection }: { readonly selection: RowSelection }) => {
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (box.current) box.current.indeterminate = selection.pageState === 'some';
  }, [selection.pageState]);
  return (
    <th scope="col" className="cell-select">
      <input
        ref={box}
        type="checkbox"
        aria-label="Select the repositories shown"
        checked={selection.pageState === 'all'}
        onChange={(event) => selection.togglePage(event.target.checked)}
      />
    </th>
  );
};

/** The first cell of a row: its box, named after the repository for screen readers. */
export const SelectRowCell = ({
  selection,
  id,
  name,
}: {
  readonly selection: RowSelection;
  readonly id: string;
  readonly name: string;
}) => (
  <td className="cell-select">
    <input
      type="checkbox"
      aria-label={`Select ${name}`}
      checked={selection.isSelected(id)}
      onChange={(event) => selection.toggle(id, event.target.checked)}
    />
  </td>
);
