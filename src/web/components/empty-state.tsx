import type { ReactNode } from 'react';

export const EmptyState = ({
  title,
  children,
}: {
  readonly title: string;
  readonly children?: ReactNode;
}) => (
  <div className="empty-state">
    <p className="empty-state-title">{title}</p>
    {children ? <div className="empty-state-body">{children}</div> : null}
  </div>
);
