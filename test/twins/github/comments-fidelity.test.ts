import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstHeader } from '../../../src/scm/webhook-signatures.js';
import { startHookReceiver, type HookReceiver } from '../../providers/hook-receiver.js';
import { startGitHubTwin, type GitHubTwin } from './index.js';
import { loadOpenApi, newestGhesName, type OpenApiValidator } from './openapi-validator.js';
import { testPrivateKey } from './test-keys.js';
import { testGitHubScenario } from './test-scenario.js';

const pem = testPrivateKey();
const specs = { cloud: loadOpenApi('api.github.com'), enterprise: loadOpenApi(newestGhesName()) };

/** The pull request comment routes and webhooks of the twin against GitHub's OpenAPI description. */
describe.each(['cloud', 'enterprise'] as const)(
  'GitHub twin comment answers match OpenAPI (%s)',
  (flavor) => {
    let twin: GitHubTwin;
    let spec: OpenApiValidator;
    let token: string;
    let receiver: HookReceiver;
    let number: number;
    let head: string;

    beforeAll(async () => {
      twin = await startGitHubTwin(testGitHubScenario(pem), { flavor });
      spec = specs[flavor];
      token = twin.createInstallationToken(4001);
      receiver = await startHookReceiver();
      twin.app('acme-scanner').webhookUrl = receiver.url;
      const pull = await twin.pullRequests.openPullRequest(
        'acme/web-shop',
        'feature/fidelity',
        { 'src/app.js': 'const q = req.query.id;\nres.send(q);\n' },
        'dev-dana',
      );
      number = pull.number;
      head = pull.headSha;
    });
    afterAll(async () => {
      await twin.webhooks.idle();
      await receiver.close();
      await twin.close();
    });

    async function check(method: string, template: string, path: string, status: number, body?: unknown) {
      const response = await fetch(`${twin.apiUrl}${path}`, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      expect(response.status, `${method} ${path}: ${text.slice(0, 300)}`).toBe(status);
      const json: unknown = text ? JSON.parse(text) : undefined;
      if (status >= 400) {
        expect(spec.schemaErrors(status === 422 ? 'validation-error' : 'basic-error', json)).toEqual([]);
      } else {
        expect(spec.errors(method, template, status, json), `${method} ${template}`).toEqual([]);
      }
      return json as Record<string, unknown>;
    }

    it('reviews, their comments, replies and the files of the diff', async () => {
      const base = `/repos/acme/web-shop/pulls/${number}`;
      await check('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/files', `${base}/files`, 200);
      const review = await check(
        'POST',
        '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
        `${base}/reviews`,
        200,
        {
          commit_id: head,
          event: 'COMMENT',
          comments: [{ path: 'src/app.js', line: 2, side: 'RIGHT', body: 'x' }],
        },
      );
      await check('POST', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', `${base}/reviews`, 422, {
        commit_id: head,
        event: 'COMMENT',
        comments: [{ path: 'src/app.js', line: 9, side: 'RIGHT', body: 'off' }],
      });
      const [comment] = (await check(
        'GET',
        '/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments',
        `${base}/reviews/${String(review.id)}/comments`,
        200,
      )) as unknown as { id: number }[];
      await check(
        'POST',
        '/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies',
        `${base}/comments/${comment!.id}/replies`,
        201,
        { body: 'reply' },
      );
      await check('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/comments', `${base}/comments`, 200);
    });

    it('check runs and repository permissions', async () => {
      const run = await check(
        'POST',
        '/repos/{owner}/{repo}/check-runs',
        '/repos/acme/web-shop/check-runs',
        201,
        {
          name: 'scm-connect',
          head_sha: head,
          status: 'in_progress',
          details_url: 'https://scm.test/1',
          output: { title: 't', summary: 's' },
        },
      );
      await check(
        'PATCH',
        '/repos/{owner}/{repo}/check-runs/{check_run_id}',
        `/repos/acme/web-shop/check-runs/${String(run.id)}`,
        200,
        { status: 'completed', conclusion: 'success' },
      );
      const listed = await check(
        'GET',
        '/repos/{owner}/{repo}/commits/{ref}/check-runs',
        `/repos/acme/web-shop/commits/${head}/check-runs?check_name=scm-connect&filter=latest`,
        200,
      );
      expect(listed.total_count).toBe(1);
      const permission = '/repos/{owner}/{repo}/collaborators/{username}/permission';
      const writer = await check(
        'GET',
        permission,
        '/repos/acme/web-shop/collaborators/wes-writer/permission',
        200,
      );
      expect([writer.permission, writer.role_name]).toEqual(['write', 'write']);
      await check('GET', permission, '/repos/acme/web-shop/collaborators/no-such-user/permission', 404);
    });

    it('pull request webhooks: review comment and issue comment created, pull request closed', async () => {
      await twin.webhooks.idle();
      const before = receiver.received.length;
      const repo = twin.state.requireRepo('acme/web-shop');
      const root = [...twin.state.reviewComments.values()].find(
        (c) => c.repoId === repo.id && c.number === number,
      )!;
      await twin.pullRequests.reply('acme/web-shop', number, root.id, 'wes-writer', 'thanks');
      const summary = twin.state.addIssueComment(repo, number, 1001, undefined, 'summary');
      await twin.pullRequests.reply('acme/web-shop', number, summary.id, 'rita-reader', 'ok');
      await twin.pullRequests.close('acme/web-shop', number, true, 'octo-admin');
      const payloads = receiver.received.slice(before).map((d) => ({
        event: firstHeader(d.headers, 'x-github-event'),
        body: JSON.parse(d.rawBody.toString('utf8')) as { action: string },
      }));
      const schemaOf: Record<string, string> = {
        pull_request_review_comment: 'webhook-pull-request-review-comment-created',
        issue_comment: 'webhook-issue-comment-created',
        pull_request: 'webhook-pull-request-closed',
      };
      expect(payloads.map((p) => p.event)).toEqual([
        'pull_request_review_comment',
        'issue_comment',
        'pull_request',
      ]);
      for (const { event, body } of payloads) {
        expect(spec.schemaErrors(schemaOf[String(event)]!, body), String(event)).toEqual([]);
      }
    });
  },
);
