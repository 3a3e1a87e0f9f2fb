/**
 * Readers for the parts of a SARIF 2.1.0 log that processing uses. The upload already validated the log's
 * shape; these still read defensively (a wrong type reads as absent), so an odd field never stops a scan.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

export const asObject = (value: unknown): JsonObject | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;

export const asArray = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

export const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** A whole number ≥ `min` (1 for lines and columns, 0 for indexes). */
export const asInteger = (value: unknown, min = 1): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min ? value : undefined;

/** A string → string map (`fingerprints`, `partialFingerprints`); other values are left out. */
export function asStringMap(value: unknown): Record<string, string> | undefined {
  const object = asObject(value);
  if (!object) return undefined;
  const entries = Object.entries(object).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
  );
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** `message.text` (or `markdown`), or a rule's `messageStrings[id]` with its `{0}` arguments filled in. */
export function messageText(message: unknown, messageStrings?: JsonObject): string | undefined {
  const object = asObject(message);
  if (!object) return undefined;
  const text = asString(object.text) ?? asString(object.markdown);
  if (text !== undefined) return text;
  const id = asString(object.id);
  const template = id === undefined ? undefined : asObject(messageStrings?.[id]);
  const pattern = asString(template?.text) ?? asString(template?.markdown);
  if (pattern === undefined) return undefined;
  const args = asArray(object.arguments).map((arg) => (typeof arg === 'string' ? arg : ''));
  return pattern.replace(/\{(\d+)\}/g, (whole, n: string) => args[Number(n)] ?? whole);
}
