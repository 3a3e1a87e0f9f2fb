import type { GitLabTwin } from '../../twins/gitlab/index.js';
import type { PullRequestKit, PullRequestKitFactory, TwinStatus, TwinThread } from '../pull-request-kit.js';

/*
 * The GitLab kit: merge requests on the family's `acme/website`, opened and pushed through the twin's control
 * methods (which deliver `Push Hook` and `Merge Request Hook` as GitLab does); people reply through the API with
 * their own tokens, so the twin delivers `Note Hook` to scm-connect. The connection comments as `alice`.
 */

/** A Developer (may push) and a Reporter (may read and comment) of the project. */
const people = {
  writer: { id: 21, username: 'wendy', name: 'Wendy Writer', token: 'glpat-kit-writer-api', accessLevel: 30 },
  reader: { id: 22, username: 'rita', name: 'Rita Reader', token: 'glpat-kit-reader-api', accessLevel: 20 },
} as const;

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const statusOf = (state: string): TwinStatus['state'] =>
  state === 'success' ? 'success' : state === 'failed' || state === 'canceled' ? 'failure' : 'pending';

export const gitlabPullRequestKit: PullRequestKitFactory = async (_world, family) => {
  const twin = family.twin as GitLabTwin;
  const path = family.repository.fullName;
  const project = () => twin.project(path);
  for (const person of Object.values(people)) {
    if (!twin.state.users.has(person.id)) {
      twin.addUser(
        { id: person.id, username: person.username, name: person.name },
        { path, accessLevel: person.accessLevel },
      );
      twin.addToken({ value: person.token, user: person.username, scopes: ['api'] });
    }
  }
  const mergeRequest = (iid: number) => twin.mergeRequest(path, iid);

  const kit: PullRequestKit = {
    botLogin: 'alice',
    async openPullRequest(branch, files) {
      await twin.push(path, branch, `Work on ${branch}`, files);
      const mr = await twin.openMergeRequest(path, {
        source: branch,
        target: 'main',
        title: `Change ${branch}`,
      });
      await twin.idle();
      return { number: mr.iid, headSha: mr.diffRefs.headSha, baseSha: mr.diffRefs.baseSha };
    },
    async push(branch, files) {
      await twin.push(path, branch, `Update ${branch}`, files);
      await twin.idle();
      return project().branches.get(branch)!.commit;
    },
    async threads(pr) {
      const threads: TwinThread[] = [];
      for (const discussion of mergeRequest(pr).discussions) {
        const [root, ...rest] = discussion.notes;
        if (!root || root.system) continue;
        const position = root.position as { new_path?: string; new_line?: number | null } | undefined;
        threads.push({
          id: String(root.id),
          ...(position?.new_path ? { path: position.new_path } : {}),
          ...(typeof position?.new_line === 'number' ? { line: position.new_line } : {}),
          body: root.body,
          author: twin.state.users.get(root.authorId)!.username,
          resolved: discussion.resolvedAt !== null,
          replies: rest
            .filter((note) => !note.system)
            .map((note) => ({ author: twin.state.users.get(note.authorId)!.username, body: note.body })),
        });
      }
      return threads;
    },
    async status(_pr, sha) {
      const latest = project()
        .statuses.filter((status) => status.sha === sha && status.name === 'scm-connect' && !status.retried)
        .at(-1);
      if (!latest) return undefined;
      return {
        state: statusOf(latest.status),
        description: latest.description ?? '',
        targetUrl: latest.targetUrl ?? '',
      };
    },
    writes: () =>
      twin.log.filter((entry) => entry.path.startsWith('/api/v4/') && writeMethods.has(entry.method)).length,
    async reply(pr, threadId, who, body) {
      const discussion = mergeRequest(pr).discussions.find((d) =>
        d.notes.some((note) => String(note.id) === threadId),
      );
      if (!discussion) throw new Error(`GitLab kit: no thread ${threadId} on !${pr}`);
      // POST /projects/:id/merge_requests/:iid/discussions/:discussion_id/notes, as the person
      const response = await fetch(
        `${twin.apiUrl}/projects/${project().id}/merge_requests/${pr}/discussions/${discussion.id}/notes`,
        {
          method: 'POST',
          headers: { 'private-token': people[who].token, 'content-type': 'application/json' },
          body: JSON.stringify({ body }),
        },
      );
      if (response.status !== 201) throw new Error(`GitLab kit: reply answered ${response.status}`);
      await twin.idle();
    },
    async close(pr, merged) {
      await twin.closeMergeRequest(path, pr, merged);
      await twin.idle();
    },
  };
  return kit;
};
