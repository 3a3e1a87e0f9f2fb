import type { Connection } from '../api/schemas.js';
import { formatDateTime } from '../lib/format.js';
import { withInlineCode } from '../lib/inline-code.js';

/** The connection's hook in one line: live with its last delivery, or why not and what to do. */
export const WebhookState = ({ webhook }: { readonly webhook: Connection['webhook'] }) => {
  if (!webhook) return null;
  if (webhook.status === 'not_registered') {
    return (
      <p className="list-meta connection-webhook">
        Webhooks off{webhook.problem ? <>: {withInlineCode(webhook.problem.message)}</> : null}
      </p>
    );
  }
  return (
    <p className="list-meta connection-webhook">
      Webhooks on ·{' '}
      {webhook.lastDeliveryAt
        ? `last delivery ${formatDateTime(webhook.lastDeliveryAt)}`
        : 'no delivery received yet'}
      {webhook.warning ? <span className="text-danger"> · {webhook.warning}</span> : null}
      {webhook.lastFailure ? (
        <span className="text-danger">
          {' '}
          · delivery refused {formatDateTime(webhook.lastFailure.at)}: {webhook.lastFailure.message}
        </span>
      ) : null}
    </p>
  );
};
