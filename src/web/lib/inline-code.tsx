import type { ReactNode } from 'react';

/** Renders `backtick` spans of a help text as code; everything stays text, nothing is parsed as HTML. */
export const withInlineCode = (text: string): ReactNode[] =>
  text.split('`').map((part, index) => (index % 2 === 1 ? <code key={index}>{part}</code> : part));
