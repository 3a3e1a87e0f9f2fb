/** The header over a table's action column, named for screen readers only. */
export const ActionsHeader = () => (
  <th scope="col">
    <span className="visually-hidden">Actions</span>
  </th>
);

export interface RowRemoveCellProps {
  /** The button's text, e.g. "Remove" or "Revoke". */
  readonly action: string;
  /** What the row shows; screen readers hear "`action` `name`". */
  readonly name: string;
  /** Opens the confirmation; the button itself removes nothing. */
  readonly onClick: () => void;
}

/** The action cell of a row with one destructive button that asks before it acts. */
export const RowRemoveCell = ({ action, name, onClick }: RowRemoveCellProps) => (
  <td className="cell-actions">
    <button
      type="button"
      className="button button-small button-danger-quiet"
      aria-label={`${action} ${name}`}
      onClick={onClick}
    >
      {action}
    </button>
  </td>
);
