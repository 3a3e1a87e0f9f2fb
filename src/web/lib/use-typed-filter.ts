import { useEffect, useRef, useState } from 'react';

/** How long a typed filter waits after the last key before it is applied. */
export const typingDelayMs = 250;

/**
 * A filter typed into a box and applied a moment after the last key: the box shows what is typed; `apply` gets
 * the trimmed text once typing pauses. When the applied value changes elsewhere (back, forward, a link), the box
 * shows it. `apply` is read when the timer fires, so it may close over the latest filters.
 */
export const useTypedFilter = (
  applied: string,
  apply: (value: string) => void,
): [string, (value: string) => void] => {
  const [typed, setTyped] = useState(applied);
  const latestApply = useRef(apply);
  useEffect(() => {
    latestApply.current = apply;
  });

  useEffect(() => {
    setTyped((text) => (text.trim() === applied ? text : applied));
  }, [applied]);

  useEffect(() => {
    const value = typed.trim();
    if (value === applied) return;
    const timer = setTimeout(() => latestApply.current(value), typingDelayMs);
    return () => clearTimeout(timer);
    // Only what is typed restarts the wait.
  }, [typed]);

  return [typed, setTyped];
};
