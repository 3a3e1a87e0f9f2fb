import type { SignInErrorCode } from '../../core/sign-in-errors.js';

export type { SignInErrorCode };

const ssoBroken =
  'Single sign-on failed: the identity provider’s answer could not be accepted. Ask an admin of your account to run Test sign-in under Settings > Single sign-on.';

const messages: Readonly<Record<SignInErrorCode, string>> = {
  flow_expired:
    'That sign-in took too long, was already used, or was started in another browser. Start it again from this page.',
  provider_refused:
    'The sign-in was cancelled or refused on the other side. Try again; if it keeps failing, ask an admin to check the sign-in application.',
  not_a_member:
    'Your user is not a member of an organization or group that manages an account here. Outside collaborators, pending invitations and blocked users cannot sign in: ask an admin of the organization to add you, or an admin here to invite you.',
  identity_in_use:
    'That identity is already linked to another user of scm-connect. Sign in with it to use that user, or unlink it there first.',
  reauth_required:
    'Linking a sign-in method needs a recent sign-in. Sign in again, then link it from your profile.',
  sso_required: 'Your account requires single sign-on. Sign in with SSO using your work email.',
  signature_invalid: ssoBroken,
  assertion_expired: ssoBroken,
  audience_mismatch: ssoBroken,
  provider_error: ssoBroken,
  replayed: 'That sign-in answer was used already. Start the sign-in again.',
  email_domain:
    'Your email’s domain is not one this identity provider may sign people in for. Use your work account, or ask an admin.',
  email_unverified:
    'Your identity provider says your email address is not verified. Verify it there, then sign in again.',
  missing_attribute:
    'The identity provider did not send your email address. Ask an admin of your account to check the attribute names.',
};

const isKnown = (code: string): code is SignInErrorCode => Object.hasOwn(messages, code);

/** The message the sign-in page shows for an `error` code; `null` when there is none. */
export const signInErrorMessage = (code: string | null): string | null => {
  if (!code) return null;
  return isKnown(code) ? messages[code] : 'The sign-in did not complete. Try again.';
};
