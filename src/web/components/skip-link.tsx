import type { MouseEvent } from 'react';

/** The id of the page's main region, which "Skip to content" moves the focus to. */
export const mainContentId = 'main-content';

/**
 * "Skip to content": the first thing Tab reaches on every page, hidden until focused. It moves the focus to the
 * main region without adding a `#fragment` to the address.
 */
export const SkipLink = () => {
  const skip = (event: MouseEvent<HTMLAnchorElement>) => {
    const main = document.getElementById(mainContentId);
    if (!main) return;
    event.preventDefault();
    main.focus();
    main.scrollIntoView({ block: 'start' });
  };
  return (
    <a className="skip-link" href={`#${mainContentId}`} onClick={skip}>
      Skip to content
    </a>
  );
};
