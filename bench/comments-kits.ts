import type { PullRequestKitFactory } from '../test/comments/pull-request-kit.js';
import type { FamilyKind } from '../test/findings/scan-families.js';

/**
 * The pull request kit of a family, from `test/comments/kits/<kind>.ts`: its export named `…PullRequestKit`
 * (`gitlabPullRequestKit`) is its {@link PullRequestKitFactory}. Loaded when asked for, so a kind whose kit is
 * missing fails alone, naming it.
 */
export async function loadKitFactory(kind: FamilyKind): Promise<PullRequestKitFactory> {
  const file = `../test/comments/kits/${kind}.js`;
  let module: Record<string, unknown>;
  try {
    module = (await import(file)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`no pull request kit for ${kind} (test/comments/kits/${kind}.ts): ${String(error)}`);
  }
  const factories = Object.entries(module).filter(
    ([name, value]) => name.endsWith('PullRequestKit') && typeof value === 'function',
  );
  if (factories.length !== 1) {
    throw new Error(
      `test/comments/kits/${kind}.ts should export one …PullRequestKit function; it exports ` +
        (Object.keys(module).join(', ') || 'nothing'),
    );
  }
  return factories[0]![1] as PullRequestKitFactory;
}
