import { AppError } from '../core/errors.js';

/**
 * Parses a JSON request body strictly: UTF-8 only (bytes that are not UTF-8 are refused, not replaced), no
 * duplicate keys (which JSON.parse would silently collapse, letting two readers of one body disagree), no
 * `__proto__` / `constructor` keys.
 */
export function parseJsonBody(body: Uint8Array | string): unknown {
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  if (text.trim() === '')
    throw new AppError(400, 'invalid_json', 'The request body is empty; send a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError(400, 'invalid_json', 'The request body is not valid JSON.');
  }
  const problem = findKeyProblem(text);
  if (problem) throw new AppError(400, 'invalid_json', problem);
  return value;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    // ignoreBOM keeps a byte order mark in the text, so JSON.parse refuses it as before.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new AppError(
      400,
      'invalid_json',
      'The request body is not valid UTF-8; send JSON encoded as UTF-8.',
    );
  }
}

/** Walks valid JSON text and reports a duplicate or forbidden object key. */
function findKeyProblem(text: string): string | undefined {
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      stack.push(null);
      expectKey = false;
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = stack.at(-1) instanceof Set;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const keys = stack.at(-1)!;
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
          return `The key "${key.slice(0, 20)}" is not allowed.`;
        }
        if (keys.has(key)) return `The key "${key.slice(0, 100)}" appears twice in one object.`;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    }
  }
  return undefined;
}
