import { describe, expect, it } from 'vitest';
import { checkForm } from '../forms/field-rules.js';
import { oidcRules, samlRules } from './sso-rules.js';

const oidc = {
  name: 'Acme IdP',
  issuer: 'https://login.example.com',
  clientId: 'scm-connect',
  clientSecret: 's3cret',
  scopes: 'openid email profile',
  allowedDomains: 'example.com, example.org',
  groupRoles: 'security = admin',
};

describe('single sign-on form rules', () => {
  it('accepts a complete OpenID Connect form', () => {
    expect(checkForm(oidcRules(false), oidc)).toEqual({});
  });

  it('needs the client secret only when none is stored', () => {
    const values = { ...oidc, clientSecret: '' };
    expect(checkForm(oidcRules(false), values).clientSecret).toBe('Client secret: paste the client secret');
    expect(checkForm(oidcRules(true), values)).toEqual({});
  });

  it.each([
    ['issuer', 'login.example.com', 'Issuer: enter the issuer URL, starting with https://'],
    ['scopes', 'email profile', 'Scopes: include openid, e.g. openid email profile'],
    [
      'allowedDomains',
      'example.com, not a domain',
      'Allowed email domains: enter domain names such as example.com, separated by commas',
    ],
    ['allowedDomains', '', 'Allowed email domains: enter the email domains of your people, e.g. example.com'],
    [
      'groupRoles',
      'security = owner',
      'Group roles: write one group a line, as group = admin or group = member',
    ],
  ])('refuses %s %j', (field, value, message) => {
    expect(checkForm(oidcRules(false), { ...oidc, [field]: value })[field]).toBe(message);
  });

  it('needs SAML metadata XML on create, not on a change', () => {
    const values = {
      name: 'Acme SAML',
      allowedDomains: 'example.com',
      emailAttribute: 'email',
      nameAttribute: 'name',
    };
    expect(checkForm(samlRules('xml', false), values).metadataXml).toMatch(/^Metadata XML: paste/);
    expect(checkForm(samlRules('xml', true), values)).toEqual({});
    expect(checkForm(samlRules('url', true), values).metadataUrl).toMatch(/^Metadata URL: enter/);
  });
});
