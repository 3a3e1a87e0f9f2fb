import { statSync } from 'node:fs';
import { keyFilePath, loadKeyring } from './key-file.js';
import { SecretError, createSecretBox, type SecretBox } from './secret-box.js';

/**
 * A SecretBox for a running service whose keys can be rotated under it: when the key file changes (a new
 * primary from `scm-connect keys rotate`) new values use the new key, and a value under a key it has not
 * loaded yet makes it read the file again before giving up.
 */
export function createLiveSecretBox(options: { envValue: string | undefined; dataDir: string }): SecretBox {
  const load = () => createSecretBox(loadKeyring({ ...options, createIfMissing: true }));
  const version = () => {
    if (options.envValue !== undefined) return 0;
    try {
      return statSync(keyFilePath(options.dataDir)).mtimeMs;
    } catch {
      return -1;
    }
  };
  let box = load();
  let loadedVersion = version();
  const current = () => {
    const now = version();
    if (now !== loadedVersion) {
      box = load();
      loadedVersion = now;
    }
    return box;
  };
  return {
    encrypt: (plaintext, aad) => current().encrypt(plaintext, aad),
    decrypt(value, aad) {
      try {
        return current().decrypt(value, aad);
      } catch (error) {
        if (!(error instanceof SecretError) || error.code !== 'secret_unknown_key') throw error;
        box = load();
        loadedVersion = version();
        return box.decrypt(value, aad);
      }
    },
    get primaryKid() {
      return current().primaryKid;
    },
    needsRewrap: (value) => current().needsRewrap(value),
  };
}
