import { createHash } from 'node:crypto';

import { diffHunks, renderHunks } from '../server/line-diff.js';

/*
 * A git-style unified diff between two trees of the twin, as "Compare two commits" answers it: files in path
 * order, 3 lines of context, hunks whose contexts touch merged, `new file mode` / `deleted file mode`, and a
 * file removed and added with the same content shown as a rename (`similarity index 100%`, `rename from`,
 * `rename to`, no hunks). Renames with edits are shown as a delete and an add (git needs a similarity score).
 */

type Tree = ReadonlyMap<string, string>;
const blobId = (content: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(content)}\0${content}`)
    .digest('hex')
    .slice(0, 7);

/** The hunks of a file change. */
const hunks = (before: string, after: string) => renderHunks(diffHunks(before, after));

/** The unified diff that turns tree `base` into tree `head`. */
export function unifiedDiff(base: Tree, head: Tree): string {
  const removed = [...base.keys()].filter((path) => !head.has(path));
  const added = [...head.keys()].filter((path) => !base.has(path));
  const renames = new Map<string, string>();
  for (const path of added) {
    const from = removed.find(
      (old) => base.get(old) === head.get(path) && ![...renames.values()].includes(old),
    );
    if (from !== undefined) renames.set(path, from);
  }
  const renamedFrom = new Set(renames.values());
  const paths = new Set([...base.keys(), ...head.keys()]);
  let out = '';
  for (const path of [...paths].sort()) {
    const before = base.get(path);
    const after = head.get(path);
    if (before === after || renamedFrom.has(path)) continue;
    const from = renames.get(path);
    if (from !== undefined) {
      out += `diff --git a/${from} b/${path}\nsimilarity index 100%\nrename from ${from}\nrename to ${path}\n`;
    } else if (before === undefined) {
      out += `diff --git a/${path} b/${path}\nnew file mode 100644\nindex 0000000..${blobId(after!)}\n`;
      out += `--- /dev/null\n+++ b/${path}\n${hunks('', after!)}`;
    } else if (after === undefined) {
      out += `diff --git a/${path} b/${path}\ndeleted file mode 100644\nindex ${blobId(before)}..0000000\n`;
      out += `--- a/${path}\n+++ /dev/null\n${hunks(before, '')}`;
    } else {
      out += `diff --git a/${path} b/${path}\nindex ${blobId(before)}..${blobId(after)} 100644\n`;
      out += `--- a/${path}\n+++ b/${path}\n${hunks(before, after)}`;
    }
  }
  return out;
}

/** The new-side lines of each file's hunks: where Bitbucket shows an inline comment "on the diff". */
export function diffLinesOf(diff: string): Map<string, Set<number>> {
  const files = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  for (const line of diff.split('\n')) {
    const to = /^\+\+\+ b\/(.+)$/.exec(line) ?? /^rename to (.+)$/.exec(line);
    if (to) {
      current = new Set();
      files.set(to[1]!, current);
      continue;
    }
    if (line === '+++ /dev/null') current = undefined;
    const hunk = /^@@ -\S+ \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let n = start; n < start + count; n++) current.add(n);
    }
  }
  return files;
}
