import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A signing key and its self-signed certificate (PEM). */
export interface SigningKey {
  readonly privateKey: string;
  readonly certificate: string;
}

/**
 * A new RSA key with a self-signed certificate valid `days` days, made by openssl (Node's crypto cannot issue
 * certificates).
 */
export function selfSignedKey(commonName: string, days = 365): SigningKey {
  const dir = mkdtempSync(path.join(tmpdir(), 'scm-connect-idp-'));
  try {
    const keyPath = path.join(dir, 'key.pem');
    const certPath = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-days',
        String(days),
        '-subj',
        `/CN=${commonName}`,
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ],
      { stdio: 'ignore', input: '' },
    );
    return { privateKey: readFileSync(keyPath, 'utf8'), certificate: readFileSync(certPath, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
