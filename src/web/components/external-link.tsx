import type { ReactNode } from 'react';
import { safeHttpUrl } from '../lib/safe-url.js';

/** A link given by the server: rendered as a link only when it is http(s), else as plain text. */
export const ExternalLink = ({
  href,
  children,
  label,
  className,
}: {
  readonly href: string | null | undefined;
  readonly children?: ReactNode;
  /** What screen readers hear instead of the text, when the text alone is ambiguous. */
  readonly label?: string;
  readonly className?: string;
}) => {
  const url = safeHttpUrl(href);
  const text = children ?? href ?? '';
  if (!url) return <span className={className}>{text}</span>;
  return (
    <a href={url} target="_blank" rel="noopener noreferrer" aria-label={label} className={className}>
      {text}
    </a>
  );
};
