/** Line numbers a unified diff touches, per side (what an inline review comment may target). */
export interface DiffLines {
  readonly left: ReadonlySet<number>;
  readonly right: ReadonlySet<number>;
}

/** Parse the hunks of a file patch into the lines GitHub lets review comments point at. */
export function diffLines(patch: string): DiffLines {
  const left = new Set<number>();
  const right = new Set<number>();
  let oldLine = 0;
  let newLine = 0;
  for (const line of patch.split('\n')) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      continue;
    }
    if (line.startsWith('+')) right.add(newLine++);
    else if (line.startsWith('-')) left.add(oldLine++);
    else if (line.startsWith('\\')) continue;
    else {
      left.add(oldLine++);
      right.add(newLine++);
    }
  }
  return { left, right };
}

/** The pull request as `application/vnd.github.diff`. */
export function renderDiff(files: readonly { filename: string; status: string; patch: string }[]): string {
  return files
    .map((f) => {
      const from = f.status === 'added' ? '/dev/null' : `a/${f.filename}`;
      const to = f.status === 'removed' ? '/dev/null' : `b/${f.filename}`;
      return `diff --git a/${f.filename} b/${f.filename}\n--- ${from}\n+++ ${to}\n${f.patch}\n`;
    })
    .join('');
}

/**
 * The deprecated `position` of a review comment: the line's index in the file's patch, counting from the line
 * after the first hunk header (later hunk headers count); `null` when the line is not in the patch.
 */
export function diffPosition(patch: string, line: number, side: 'LEFT' | 'RIGHT'): number | null {
  let oldLine = 0;
  let newLine = 0;
  let position = 0;
  let started = false;
  for (const text of patch.split('\n')) {
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (hunk) {
      if (started) position++;
      started = true;
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      continue;
    }
    if (!started) continue;
    position++;
    if (text.startsWith('\\')) continue;
    if (text.startsWith('+')) {
      if (side === 'RIGHT' && newLine === line) return position;
      newLine++;
    } else if (text.startsWith('-')) {
      if (side === 'LEFT' && oldLine === line) return position;
      oldLine++;
    } else {
      if ((side === 'RIGHT' ? newLine : oldLine) === line) return position;
      oldLine++;
      newLine++;
    }
  }
  return null;
}
