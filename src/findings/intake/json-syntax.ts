/**
 * Where valid JSON text stops being JSON: the offset of the first character a JSON parser cannot accept, or
 * undefined when the text is valid. Only for messages after `JSON.parse` failed (V8 does not always say where);
 * iterative, so nesting costs no stack.
 */
export function jsonSyntaxErrorOffset(text: string): number | undefined {
  const stack: ('{' | '[')[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const scanString = (): boolean => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  /** A value starts at i: a scalar is consumed; an opening bracket is pushed. */
  const scanValue = (): boolean => {
    const c = text[i];
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      return true;
    }
    if (c === '"') return scanString();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return true;
      }
    }
    number.lastIndex = i;
    if (number.test(text)) {
      i = number.lastIndex;
      return true;
    }
    return false;
  };

  skipSpace();
  if (!scanValue()) return i;
  // After a value or an opening bracket: what may follow.
  let justOpened = stack.length > 0;
  for (;;) {
    skipSpace();
    const top = stack.at(-1);
    if (top === undefined) return i < text.length ? i : undefined;
    const closer = top === '{' ? '}' : ']';
    if (text[i] === closer) {
      stack.pop();
      i++;
      justOpened = false;
      continue;
    }
    if (!justOpened) {
      if (text[i] !== ',') return i;
      i++;
      skipSpace();
    }
    if (top === '{') {
      if (text[i] !== '"' || !scanString()) return i;
      skipSpace();
      if (text[i] !== ':') return i;
      i++;
      skipSpace();
    }
    const depth = stack.length;
    if (!scanValue()) return i;
    justOpened = stack.length > depth;
  }
}
