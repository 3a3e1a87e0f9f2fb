import { useApi } from '../api/api-context.js';
import type { OidcView } from '../api/sso-client.js';
import { TextAreaField, TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useForm } from '../forms/use-form.js';
import { formatGroupRoles, parseGroupRoles, parseList } from './sso-fields.js';
import { oidcRules } from './sso-rules.js';

export interface OidcFormProps {
  readonly accountId: string;
  /** The saved provider; absent before the first save. */
  readonly view: OidcView | null;
  readonly onSaved: (notice: string) => void;
}

/** The OpenID Connect provider's settings; saving one sets it back to draft (to be tested again). */
export const OidcForm = ({ accountId, view, onSaved }: OidcFormProps) => {
  const api = useApi();
  const form = useForm(
    oidcRules(view?.hasClientSecret ?? false),
    {
      name: view?.name ?? '',
      issuer: view?.issuer ?? '',
      clientId: view?.clientId ?? '',
      scopes: view ? view.scopes.join(' ') : 'openid email profile',
      groupsClaim: view?.groupsClaim ?? '',
      groupRoles: view ? formatGroupRoles(view.groupRoles) : '',
      allowedDomains: view ? view.allowedDomains.join(', ') : '',
    },
    async (values) => {
      const roles = parseGroupRoles(values.groupRoles ?? '');
      await api.saveOidc(accountId, {
        name: values.name ?? '',
        issuer: values.issuer ?? '',
        clientId: values.clientId ?? '',
        ...(values.clientSecret ? { clientSecret: values.clientSecret } : {}),
        scopes: parseList(values.scopes ?? ''),
        groupsClaim: values.groupsClaim || null,
        groupRoles: roles.ok ? roles.value : {},
        allowedDomains: parseList(values.allowedDomains ?? ''),
      });
      onSaved(
        view
          ? 'OpenID Connect is saved. Run Test sign-in again before it is used.'
          : 'OpenID Connect is saved. Run Test sign-in, then activate it.',
      );
    },
    'Could not save the OpenID Connect provider.',
    { reusable: true, codeFields: { invalid_issuer: 'issuer', discovery_failed: 'issuer' } },
  );
  return (
    <form
      ref={form.formRef}
      className="form"
      noValidate
      aria-label="OpenID Connect settings"
      onSubmit={form.onSubmit}
    >
      <TextField label="Name" autoComplete="off" required {...form.field('name')} />
      <TextField label="Issuer" type="url" autoComplete="off" required {...form.field('issuer')} />
      <TextField label="Client ID" autoComplete="off" required {...form.field('clientId')} />
      <TextField
        label="Client secret"
        type="password"
        autoComplete="off"
        required={!view?.hasClientSecret}
        {...form.field('clientSecret')}
      />
      <TextField label="Scopes" autoComplete="off" {...form.field('scopes')} />
      <TextField
        label="Allowed email domains"
        autoComplete="off"
        required
        {...form.field('allowedDomains')}
      />
      <TextField label="Groups claim" autoComplete="off" {...form.field('groupsClaim')} />
      <TextAreaField label="Group roles" rows={3} spellCheck={false} {...form.field('groupRoles')} />
      <FormError message={form.error} />
      <div>
        <button type="submit" className="button button-primary" aria-disabled={form.busy}>
          {form.busy ? 'Checking the issuer…' : 'Save OpenID Connect'}
        </button>
      </div>
    </form>
  );
};
