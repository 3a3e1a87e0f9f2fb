import { withInlineCode } from '../lib/inline-code.js';

/** The error of a form or action, as text next to it (`code` spans of a server message as code); announced. */
export const FormError = ({ message }: { readonly message: string | null | undefined }) =>
  message ? (
    <p className="form-error" role="alert">
      {withInlineCode(message)}
    </p>
  ) : null;
