import type { ManifestHandOff } from '../github-apps/manifest-flow.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page's own policy: no script, style, image or frame, and its one form may go only to the GitHub it names.
 * Every other page keeps `form-action 'self'`.
 */
export const handOffPolicy = (formTarget: URL) =>
  `default-src 'none'; form-action ${formTarget.origin}; base-uri 'none'; frame-ancestors 'none'`;

/**
 * The page that sends the manifest to GitHub: what is about to happen, the form, and a Continue button. Only
 * the manifest (public facts: URLs, permissions, events) is on it.
 */
export function manifestHandOffPage(handOff: ManifestHandOff): string {
  const { manifest, formTarget } = handOff;
  const where = handOff.owner
    ? `for the organization <strong>${escapeHtml(handOff.owner)}</strong>`
    : 'on your own GitHub account';
  const permissions = Object.entries(manifest.default_permissions)
    .map(([name, level]) => `<li>${escapeHtml(name)}: ${escapeHtml(level)}</li>`)
    .join('');
  const events = manifest.default_events.map((event) => `<li>${escapeHtml(event)}</li>`).join('');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>Create the GitHub App · scm-connect</title></head><body><main>` +
    `<h1>Create the GitHub App</h1>` +
    `<p>GitHub at <strong>${escapeHtml(formTarget.host)}</strong> registers scm-connect's app ${where}. ` +
    `There you can change its name, then click <strong>Create GitHub App</strong>; GitHub sends you back here.</p>` +
    `<h2>Repository and organization permissions</h2><ul>${permissions}</ul>` +
    `<h2>Webhook events</h2><ul>${events}</ul>` +
    `<p>Webhooks go to <code>${escapeHtml(manifest.hook_attributes.url)}</code>; after an install GitHub returns ` +
    `to <code>${escapeHtml(manifest.setup_url)}</code>.</p>` +
    `<form method="post" action="${escapeHtml(formTarget.href)}">` +
    `<input type="hidden" name="manifest" value="${escapeHtml(JSON.stringify(manifest))}">` +
    `<button type="submit">Continue to GitHub</button></form>` +
    `<p><a href="/settings">Cancel</a></p></main></body></html>`
  );
}
