import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import type { SamlView } from '../api/sso-client.js';
import { TextAreaField, TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useForm } from '../forms/use-form.js';
import { formatGroupRoles, parseGroupRoles, parseList } from './sso-fields.js';
import { samlRules } from './sso-rules.js';

export interface SamlFormProps {
  readonly accountId: string;
  readonly view: SamlView | null;
  readonly onSaved: (notice: string) => void;
}

/** The SAML identity provider's settings, from its metadata URL or XML; saving sets it back to draft. */
export const SamlForm = ({ accountId, view, onSaved }: SamlFormProps) => {
  const api = useApi();
  const [from, setFrom] = useState<'url' | 'xml'>(view && !view.metadataUrl ? 'xml' : 'url');
  const form = useForm(
    samlRules(from, view !== null),
    {
      name: view?.name ?? '',
      metadataUrl: view?.metadataUrl ?? '',
      emailAttribute: view?.emailAttribute ?? 'email',
      nameAttribute: view?.nameAttribute ?? 'name',
      groupsAttribute: view?.groupsAttribute ?? '',
      groupRoles: view ? formatGroupRoles(view.groupRoles) : '',
      allowedDomains: view ? view.allowedDomains.join(', ') : '',
    },
    async (values) => {
      const roles = parseGroupRoles(values.groupRoles ?? '');
      await api.saveSaml(accountId, {
        name: values.name ?? '',
        ...(from === 'url' ? { metadataUrl: values.metadataUrl ?? '' } : {}),
        ...(from === 'xml' && values.metadataXml ? { metadataXml: values.metadataXml } : {}),
        emailAttribute: values.emailAttribute || 'email',
        nameAttribute: values.nameAttribute || 'name',
        groupsAttribute: values.groupsAttribute || null,
        groupRoles: roles.ok ? roles.value : {},
        allowedDomains: parseList(values.allowedDomains ?? ''),
      });
      onSaved(
        view
          ? 'SAML is saved. Run Test sign-in again before it is used.'
          : 'SAML is saved. Give the identity provider the SP entity id and ACS URL, run Test sign-in, then activate it.',
      );
    },
    'Could not save the SAML provider.',
    { reusable: true, codeFields: { invalid_metadata: from === 'url' ? 'metadataUrl' : 'metadataXml' } },
  );
  return (
    <form ref={form.formRef} className="form" noValidate aria-label="SAML settings" onSubmit={form.onSubmit}>
      <TextField label="Name" autoComplete="off" required {...form.field('name')} />
      <fieldset className="field">
        <legend>Identity provider metadata</legend>
        <div className="checkbox-row">
          <label className="radio">
            <input
              type="radio"
              name="samlMetadataFrom"
              checked={from === 'url'}
              onChange={() => setFrom('url')}
            />
            From a URL
          </label>
          <label className="radio">
            <input
              type="radio"
              name="samlMetadataFrom"
              checked={from === 'xml'}
              onChange={() => setFrom('xml')}
            />
            Pasted XML
          </label>
        </div>
      </fieldset>
      {from === 'url' ? (
        <TextField
          label="Metadata URL"
          type="url"
          autoComplete="off"
          required
          {...form.field('metadataUrl')}
        />
      ) : (
        <TextAreaField
          label="Metadata XML"
          className="pem-input"
          rows={6}
          spellCheck={false}
          required={view === null}
          {...form.field('metadataXml')}
          help={
            view ? 'Leave empty to keep the stored metadata; paste new metadata to replace it.' : undefined
          }
        />
      )}
      <TextField
        label="Allowed email domains"
        autoComplete="off"
        required
        {...form.field('allowedDomains')}
      />
      <TextField label="Email attribute" autoComplete="off" required {...form.field('emailAttribute')} />
      <TextField label="Name attribute" autoComplete="off" required {...form.field('nameAttribute')} />
      <TextField label="Groups attribute" autoComplete="off" {...form.field('groupsAttribute')} />
      <TextAreaField label="Group roles" rows={3} spellCheck={false} {...form.field('groupRoles')} />
      <p className="field-help">
        Assertions must be signed by the identity provider; unsigned ones are refused.
      </p>
      <FormError message={form.error} />
      <div>
        <button type="submit" className="button button-primary" aria-disabled={form.busy}>
          {form.busy ? 'Reading the metadata…' : 'Save SAML'}
        </button>
      </div>
    </form>
  );
};
