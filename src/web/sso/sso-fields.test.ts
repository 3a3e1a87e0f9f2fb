import { describe, expect, it } from 'vitest';
import { formatGroupRoles, parseGroupRoles, parseList } from './sso-fields.js';

describe('parseList', () => {
  it.each([
    ['example.com, example.org', ['example.com', 'example.org']],
    ['openid email  profile\nopenid', ['openid', 'email', 'profile']],
    ['  ', []],
  ])('%j', (text, list) => {
    expect(parseList(text)).toEqual(list);
  });
});

describe('parseGroupRoles', () => {
  it('reads one group a line, names with spaces, any case of the role', () => {
    expect(parseGroupRoles('security team = Admin\n\n developers=member ')).toEqual({
      ok: true,
      value: { 'security team': 'admin', developers: 'member' },
    });
  });

  it('keeps an = inside the group name', () => {
    expect(parseGroupRoles('cn=admins,ou=groups = admin')).toEqual({
      ok: true,
      value: { 'cn=admins,ou=groups': 'admin' },
    });
  });

  it.each([
    ['admins', 'line 1: write it as group = admin or group = member'],
    ['ok = admin\n= admin', 'line 2: write it as group = admin or group = member'],
    ['devs = owner', 'line 1: write it as group = admin or group = member'],
    ['devs = admin\ndevs = member', 'line 2: devs is mapped twice'],
  ])('refuses %j', (text, message) => {
    expect(parseGroupRoles(text)).toEqual({ ok: false, message });
  });

  it('round-trips through the text form', () => {
    const roles = { 'security team': 'admin', developers: 'member' } as const;
    expect(parseGroupRoles(formatGroupRoles(roles))).toEqual({ ok: true, value: roles });
  });
});
