import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const builtIndex = path.join(projectRoot, 'dist/web/index.html');
const inputs = ['src/web', 'src/core/scm-kinds.ts', 'vite.config.ts'].map((entry) =>
  path.join(projectRoot, entry),
);

const newestChange = (entry: string): number => {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newestChange(path.join(entry, name))));
};

const builtAt = (): number => {
  try {
    return statSync(builtIndex).mtimeMs;
  } catch {
    return 0;
  }
};

/**
 * Makes sure dist/web (which the service serves) is built from the current sources: builds it with Vite
 * when it is missing or older than a source file (this is what a fresh checkout needs). Returns whether it built.
 */
export const ensureWebBuild = async (): Promise<boolean> => {
  if (builtAt() >= Math.max(...inputs.map(newestChange))) return false;
  // A child process, so the build is a production one whatever NODE_ENV the test runner set.
  await promisify(execFile)(
    process.execPath,
    [path.join(projectRoot, 'node_modules/vite/bin/vite.js'), 'build'],
    {
      cwd: projectRoot,
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  return true;
};
