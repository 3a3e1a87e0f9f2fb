/**
 * A JSON path as people read it in a SARIF log: `runs[0].results[12].locations[0].physicalLocation`. Keys that
 * are not plain identifiers are quoted (`properties["security severity"]`); long keys are clipped.
 */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else {
      const key = String(part).slice(0, 100);
      text += /^[A-Za-z_$][\w$-]*$/.test(key)
        ? `${text === '' ? '' : '.'}${key}`
        : `[${JSON.stringify(key)}]`;
    }
  }
  return text === '' ? '(the log)' : text;
}
