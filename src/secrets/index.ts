export {
  KEY_BYTES,
  MasterKeyError,
  createKeyring,
  decodeKeyMaterial,
  deriveKid,
  parseMasterKeys,
  type KeyInput,
  type Keyring,
  type KeyringOrigin,
  type MasterKey,
} from './keyring.js';
export {
  KEY_FILE_NAME,
  addKeyToFile,
  keyFilePath,
  loadKeyring,
  removeKeyFromFile,
  type LoadKeyringOptions,
} from './key-file.js';
export {
  SecretError,
  createSecretBox,
  rewrapSecret,
  type SecretBox,
  type SecretErrorCode,
} from './secret-box.js';
