import { copiedValueRule, displayNameRule, type FieldRule } from '../forms/field-rules.js';
import { parseGroupRoles, parseList } from './sso-fields.js';

/** A domain name: labels of letters, digits and hyphens, with a dot between them. */
const isDomain = (value: string): boolean =>
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(value);

/** An http(s) address with a host; whether plain http is allowed is the server's call. */
const isWebUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
};

const optionalName = (name: string, hint: string): FieldRule => ({
  name,
  missing: '',
  optional: true,
  maxLength: 200,
  hint,
});

/** The fields both protocols have. */
export const commonSsoRules = {
  name: displayNameRule('Name', 'enter a name people recognize, e.g. Okta'),
  allowedDomains: {
    name: 'Allowed email domains',
    missing: 'enter the email domains of your people, e.g. example.com',
    maxLength: 4000,
    format: {
      test: (value: string) => parseList(value).every(isDomain),
      message: 'enter domain names such as example.com, separated by commas',
    },
    hint: 'Who may sign in (and be created on first sign-in), and which work emails lead to this provider: e.g. example.com, example.org.',
  },
  groupRoles: {
    name: 'Group roles',
    missing: '',
    optional: true,
    maxLength: 20_000,
    format: {
      test: (value: string) => parseGroupRoles(value).ok,
      message: 'write one group a line, as group = admin or group = member',
    },
    hint: 'Optional, one a line: group = admin or group = member. Re-evaluated at every sign-in; others get the default role.',
  },
} as const satisfies Readonly<Record<string, FieldRule>>;

export const oidcRules = (hasSecret: boolean) => ({
  ...commonSsoRules,
  issuer: {
    name: 'Issuer',
    missing: 'enter the issuer URL, e.g. https://login.example.com',
    maxLength: 2048,
    format: { test: isWebUrl, message: 'enter the issuer URL, starting with https://' },
    hint: 'Its discovery document (/.well-known/openid-configuration) is read and checked on save.',
  },
  clientId: copiedValueRule('Client ID', 'paste the client id the identity provider shows'),
  clientSecret: {
    ...copiedValueRule('Client secret', 'paste the client secret', hasSecret),
    hint: hasSecret ? 'Stored encrypted. Leave empty to keep it.' : 'Stored encrypted; never shown again.',
  },
  scopes: {
    name: 'Scopes',
    missing: 'enter the scopes, e.g. openid email profile',
    maxLength: 1000,
    format: {
      test: (value: string) => parseList(value).includes('openid'),
      message: 'include openid, e.g. openid email profile',
    },
    hint: 'Separated by spaces; openid is required.',
  },
  groupsClaim: optionalName(
    'Groups claim',
    'Optional: the claim that lists the person’s groups, e.g. groups.',
  ),
});

/** `keepsMetadata`: a saved provider keeps its metadata when none is pasted. */
export const samlRules = (metadataFrom: 'url' | 'xml', keepsMetadata: boolean) => ({
  ...commonSsoRules,
  ...(metadataFrom === 'url'
    ? {
        metadataUrl: {
          name: 'Metadata URL',
          missing: 'enter the URL of the identity provider’s SAML metadata',
          maxLength: 2048,
          format: { test: isWebUrl, message: 'enter the metadata URL, starting with https://' },
          hint: 'Read on save and when certificates rotate.',
        },
      }
    : {
        metadataXml: {
          name: 'Metadata XML',
          optional: keepsMetadata,
          missing: 'paste the identity provider’s SAML metadata (<EntityDescriptor …>)',
          maxLength: 512 * 1024,
          format: {
            test: (value: string) => value.includes('EntityDescriptor'),
            message: 'paste the whole metadata document, from <EntityDescriptor to its end',
          },
        },
      }),
  emailAttribute: {
    ...optionalName('Email attribute', 'Default: email.'),
    optional: false,
    missing: 'enter the attribute that holds the email, e.g. email',
  },
  nameAttribute: {
    ...optionalName('Name attribute', 'Default: name.'),
    optional: false,
    missing: 'enter the attribute that holds the name, e.g. name',
  },
  groupsAttribute: optionalName(
    'Groups attribute',
    'Optional: the attribute that lists the person’s groups.',
  ),
});
