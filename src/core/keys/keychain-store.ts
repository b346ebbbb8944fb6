// The OS keychain (Windows Credential Manager, macOS Keychain, libsecret on Linux) through keytar.
// keytar is an optional dependency: where it is missing or no secret service runs, opening this
// store fails with a message that says so and points to the passphrase store.
import { createHash } from 'node:crypto';
import { AppError } from '../../shared/errors';
import { KEY_BYTES, keyStore, type KeyStore } from './keystore';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
}

export const KEYCHAIN_SERVICE = 'Kontor';

export class KeychainUnavailableError extends AppError {
  constructor(reason: string) {
    super(
      'locked',
      'The OS keychain is unavailable. Use the passphrase store instead: ' +
        'set KONTOR_KEYSTORE=passphrase and KONTOR_MASTER_PASSPHRASE, or choose "passphrase" in the app.',
      { reason: 'keychain_unavailable' },
      reason,
    );
  }
}

async function loadKeytar(): Promise<Keytar> {
  try {
    const mod = (await import('keytar')) as { default?: Keytar } & Partial<Keytar>;
    const keytar = mod.default ?? (mod as Keytar);
    if (typeof keytar.getPassword !== 'function') throw new Error('keytar has no getPassword');
    return keytar;
  } catch (error) {
    throw new KeychainUnavailableError(`keytar cannot be loaded: ${(error as Error).message}`);
  }
}

/**
 * Keys are stored per data directory, so two installations (or a test) on one account never share keys.
 */
export async function openKeychainKeyStore(options: { dataDir: string }): Promise<KeyStore> {
  const keytar = await loadKeytar();
  const scope = createHash('sha256').update(options.dataDir).digest('hex').slice(0, 16);
  const account = (name: string) => `${scope}:${name}`;

  async function getKey(name: string): Promise<Buffer | null> {
    let stored: string | null;
    try {
      stored = await keytar.getPassword(KEYCHAIN_SERVICE, account(name));
    } catch (error) {
      throw new KeychainUnavailableError((error as Error).message);
    }
    if (stored === null) return null;
    const key = Buffer.from(stored, 'base64');
    if (key.length !== KEY_BYTES) throw new AppError('locked', `the keychain entry for '${name}' is damaged`);
    return key;
  }

  // Probe once, so a missing secret service shows at start and not in the middle of a command.
  await getKey('probe');

  async function putKey(name: string, key: Buffer): Promise<void> {
    if (key.length !== KEY_BYTES) throw new Error(`a key must be ${KEY_BYTES} bytes`);
    try {
      await keytar.setPassword(KEYCHAIN_SERVICE, account(name), key.toString('base64'));
    } catch (error) {
      throw new KeychainUnavailableError((error as Error).message);
    }
  }

  return keyStore({ kind: 'keychain', getKey, putKey });
}
