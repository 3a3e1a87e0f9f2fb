import { azureDevOpsWebhookReceiver } from '../scm/azure-devops/webhooks.js';
import { bitbucketCloudWebhookReceiver } from '../scm/bitbucket-cloud/webhooks.js';
import { bitbucketDataCenterWebhookReceiver } from '../scm/bitbucket-data-center/webhooks.js';
import { githubWebhookReceiver } from '../scm/github/webhooks.js';
import { gitlabWebhookReceiver } from '../scm/gitlab/webhooks.js';
import { webhookKinds, type WebhookKind, type WebhookReceiver } from '../scm/webhook-receiver.js';

/** Each kind's receiver: what the route verifies and identifies with, and what the worker parses with. */
export const webhookReceivers: Readonly<Record<WebhookKind, WebhookReceiver>> = {
  github: githubWebhookReceiver,
  gitlab: gitlabWebhookReceiver,
  'bitbucket-cloud': bitbucketCloudWebhookReceiver,
  'bitbucket-data-center': bitbucketDataCenterWebhookReceiver,
  'azure-devops': azureDevOpsWebhookReceiver,
};

export const isWebhookKind = (value: string): value is WebhookKind =>
  (webhookKinds as readonly string[]).includes(value);
