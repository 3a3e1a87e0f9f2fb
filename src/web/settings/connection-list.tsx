import type { Connection } from '../api/schemas.js';
import { EmptyState } from '../components/empty-state.js';
import { ConnectionRow } from './connection-row.js';

export interface ConnectionListProps {
  readonly accountId: string;
  readonly connections: readonly Connection[];
  readonly isAdmin: boolean;
  readonly onChanged: () => void;
  readonly onNotice: (message: string) => void;
}

/** The account's connections, one row each with its kind, target, address, status and actions. */
export const ConnectionList = ({
  accountId,
  connections,
  isAdmin,
  onChanged,
  onNotice,
}: ConnectionListProps) => {
  if (connections.length === 0) {
    return (
      <EmptyState title="No source code managers connected yet">
        <p>{isAdmin ? 'Pick one below to connect it.' : 'An admin of this account can connect one.'}</p>
      </EmptyState>
    );
  }
  return (
    <ul className="list" aria-label="Connections">
      {connections.map((connection) => (
        <ConnectionRow
          key={connection.id}
          accountId={accountId}
          connection={connection}
          isAdmin={isAdmin}
          onChanged={onChanged}
          onNotice={onNotice}
        />
      ))}
    </ul>
  );
};
