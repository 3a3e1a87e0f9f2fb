import { githubLoginPattern } from '../../github-apps/manifest.js';
import type { CodeFields } from '../forms/api-refusal.js';
import { emailRule, type FieldRule, type FormRules } from '../forms/field-rules.js';
import type { FormKindId } from './connection-input.js';

/**
 * What each field of the Connect dialogs accepts: the limits the API applies to the same body keys
 * (`src/connections/input.ts`), in words a person uses.
 */
const token: FieldRule = {
  name: 'Access token',
  missing: 'paste the access token',
  maxLength: 4096,
  format: {
    test: (value) => /^[\x21-\x7e]+$/.test(value),
    message: 'paste the token only, without spaces, line breaks or accented characters',
  },
  hint: 'Pasted as it is: no spaces, up to 4096 characters.',
};

const group: FieldRule = {
  name: 'Group',
  missing: "enter the group's path, e.g. acme",
  maxLength: 255,
  format: {
    test: (value) => /^[A-Za-z0-9_.][A-Za-z0-9_.\-/]*$/.test(value),
    message: "enter the group's path as in its address (gitlab.com/acme → acme): letters, digits, _ . -",
  },
  hint: 'Its path as in its address, e.g. acme: letters, digits, _ . - (up to 255 characters).',
};

/** An instance root as the API takes it: http(s), a host, no user name, query or fragment. */
const isInstanceUrl = (value: string): boolean => {
  if (/[\s\\?#]/.test(value)) return false;
  try {
    const url = new URL(value);
    const http = url.protocol === 'https:' || url.protocol === 'http:';
    return http && url.hostname !== '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
};

/** The address of a self-managed instance, with an example of its kind. */
export const instanceUrl = (example: string): FieldRule => ({
  name: 'URL',
  missing: `enter the address of the instance, e.g. ${example}`,
  maxLength: 2048,
  format: {
    test: isInstanceUrl,
    message: `enter the address of the instance, starting with https:// and without ?… or #…, e.g. ${example}`,
  },
  hint: 'Starts with https://, up to 2048 characters.',
});

const workspace: FieldRule = {
  name: 'Workspace',
  missing: 'enter the workspace name as in bitbucket.org/{workspace}, e.g. acme',
  maxLength: 62,
  format: {
    test: (value) => /^[A-Za-z0-9_.-]+$/.test(value),
    message: 'enter the workspace name as in bitbucket.org/{workspace}: letters, digits, _ . -',
  },
  hint: 'As in bitbucket.org/{workspace}: letters, digits, _ . - (up to 62 characters).',
};

const projectKey: FieldRule = {
  name: 'Project key',
  missing: 'enter the project key, e.g. SEC',
  maxLength: 128,
  format: {
    test: (value) => /^~?[A-Za-z][A-Za-z0-9_]*$/.test(value),
    message: 'enter the project key: a letter first, then letters, digits or _ (e.g. SEC)',
  },
  hint: 'A letter first, then letters, digits or _ (up to 128 characters), e.g. SEC.',
};

const organization: FieldRule = {
  name: 'Organization',
  missing: 'enter the organization name as in dev.azure.com/{organization}, e.g. contoso',
  maxLength: 50,
  format: {
    test: (value) => /^[A-Za-z0-9][A-Za-z0-9-]*$/.test(value),
    message: 'enter the organization name as in dev.azure.com/{organization}: letters, digits and -',
  },
  hint: 'As in dev.azure.com/{organization}: letters, digits and - (up to 50 characters).',
};

const githubOrganization: FieldRule = {
  name: 'Organization',
  missing: 'enter the organization name as in https://github.example.com/{organization}, e.g. acme',
  maxLength: 39,
  format: {
    test: (value) => githubLoginPattern.test(value),
    message:
      'enter the organization name as in https://github.example.com/{organization}: letters, digits and single hyphens between them',
  },
  hint: 'As in https://github.example.com/{organization}: letters, digits and single hyphens (up to 39 characters).',
};

/** PEM certificate blocks and whitespace only; whether each parses is the server's check. */
const pemPattern =
  /^[\t\n\r ]*(?:-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\t\n\r ]+-----END CERTIFICATE-----[\t\n\r ]*)+$/;

export const caPemRule: FieldRule = {
  name: 'CA certificate',
  optional: true,
  missing: 'paste the CA certificate',
  maxLength: 64 * 1024,
  format: {
    test: (value) => pemPattern.test(value),
    message:
      'paste only certificates, each from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, nothing around them',
  },
};

/** The rules of the Connect dialog of a kind connected through a form, by body key. */
export const connectionRules = (kind: FormKindId): FormRules => {
  switch (kind) {
    case 'github-enterprise':
      return {
        organization: githubOrganization,
        baseUrl: instanceUrl('https://github.example.com'),
        caPem: caPemRule,
      };
    case 'gitlab':
      return { token, group };
    case 'gitlab-self-managed':
      return { token, baseUrl: instanceUrl('https://gitlab.example.com'), group, caPem: caPemRule };
    case 'bitbucket-cloud':
      return { workspace, token, email: emailRule('Atlassian account email', true) };
    case 'bitbucket-data-center':
      return {
        projectKey,
        baseUrl: instanceUrl('https://bitbucket.example.com'),
        token,
        caPem: caPemRule,
      };
    case 'azure-devops':
      return { organization, token };
  }
};

/**
 * The API's refusals of an instance address (`src/api/errors.ts`, and GitHub Enterprise Server's probe), shown
 * next to the URL field of the Connect dialogs that have one.
 */
export const addressRefusals: CodeFields = {
  invalid_base_url: 'baseUrl',
  scheme_not_allowed: 'baseUrl',
  ssrf_blocked: 'baseUrl',
  dns_resolution_failed: 'baseUrl',
  not_github_enterprise: 'baseUrl',
};
