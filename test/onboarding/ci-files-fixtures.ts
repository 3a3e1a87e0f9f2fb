import { isScalar, parse, parseDocument, Scalar, visit } from 'yaml';
import type { CiSystem } from '../../src/scm/provider.js';

export const target = { externalId: '4242', fullName: 'acme/web-app', defaultBranch: 'main' };
export const context = { serviceUrl: 'https://scm.example.com' };
export const systems: readonly CiSystem[] = [
  'github-actions',
  'gitlab-ci',
  'bitbucket-pipelines',
  'azure-pipelines',
];

export type Tree = Record<string, unknown>;
export const parsed = (text: string): Tree => parse(text, { logLevel: 'error' }) as Tree;

/** Every comment of a file, as text after `#`, in order. */
export const commentsOf = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => /(?:^|\s)#(.*)$/.exec(line)?.[1]?.trim())
    .filter((comment): comment is string => comment !== undefined && comment !== '');

/** Each scalar whose value contains `text`, with its quoting. */
export function scalarsHolding(file: string, text: string): { value: string; type: Scalar['type'] }[] {
  const found: { value: string; type: Scalar['type'] }[] = [];
  visit(parseDocument(file, { logLevel: 'error' }), {
    Scalar(_, node) {
      if (isScalar(node) && typeof node.value === 'string' && node.value.includes(text)) {
        found.push({ value: node.value, type: node.type });
      }
    },
  });
  return found;
}

/** The script lines of a CI file, wherever its system keeps them. */
export function scriptLines(system: CiSystem, file: string): string[] {
  const lines: string[] = [];
  const scriptKeys: Record<CiSystem, readonly string[]> = {
    'github-actions': ['run', 'if'],
    'gitlab-ci': ['script', 'before_script', 'after_script'],
    'bitbucket-pipelines': ['script'],
    'azure-pipelines': ['script', 'bash', 'condition'],
  };
  const walk = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) node.forEach((item) => walk(item, key));
    else if (node !== null && typeof node === 'object') {
      for (const [name, value] of Object.entries(node)) walk(value, name);
    } else if (typeof node === 'string' && key !== undefined && scriptKeys[system].includes(key)) {
      lines.push(node);
    }
  };
  walk(parse(file, { logLevel: 'error' }));
  return lines;
}
