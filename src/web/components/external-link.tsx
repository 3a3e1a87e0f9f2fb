import type { ReactNode } from 'react';
import { safeHttpUrl } from '../lib/safe-url.js';

/** A link given by the server: rendered as a link only when it is http(s), else as plain text. */
export const ExternalLink = ({
  href,
  children,
}: {
  readonly href: string | null | undefined;
  readonly children?: ReactNode;
}) => {
  const url = safeHttpUrl(href);
  const text = children ?? href ?? '';
  if (!url) return <span>{text}</span>;
  return (
    <a href={url} target="_blank" rel="noopener noreferrer">
      {text}
    </a>
  );
};
