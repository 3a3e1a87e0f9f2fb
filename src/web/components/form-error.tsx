/** The error of a form or action, as text next to it; announced to screen readers. */
export const FormError = ({ message }: { readonly message: string | null | undefined }) =>
  message ? (
    <p className="form-error" role="alert">
      {message}
    </p>
  ) : null;
