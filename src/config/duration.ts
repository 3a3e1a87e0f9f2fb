const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Reads a duration written as whole numbers with units, largest first: `6h`, `30m`, `1h30m`, `90s`, `1d`,
 * `500ms`. Returns milliseconds, or undefined when the text is not such a duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(ms|s|m|h|d))+$/.test(trimmed)) return undefined;
  let total = 0;
  let previous = Infinity;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)(ms|s|m|h|d)/g)) {
    const size = unitMs[unit as keyof typeof unitMs];
    if (size >= previous) return undefined;
    previous = size;
    total += Number(amount) * size;
  }
  return Number.isSafeInteger(total) ? total : undefined;
}
