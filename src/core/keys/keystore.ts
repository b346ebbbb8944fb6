// The key store port: where the random 256-bit keys of an installation live.
// Two adapters: the OS keychain (desktops) and a passphrase-wrapped file (headless machines).
import { randomBytes } from 'node:crypto';
import type { KeyStoreLocation } from '../../shared/contract';

export const KEY_BYTES = 32;

export interface KeyStore {
  readonly kind: KeyStoreLocation;
  /** Returns the key with this name, creating and storing a random one the first time. */
  getOrCreateKey(name: string): Promise<Buffer>;
  /** Returns the key, or null when none has been created under this name. */
  getKey(name: string): Promise<Buffer | null>;
  /** Stores a given key under this name (key backup import); replaces what was there. */
  putKey(name: string, key: Buffer): Promise<void>;
}

export function newKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** A key store from an adapter's get and put: the one way a key is made the first time it is asked for. */
export function keyStore(adapter: Omit<KeyStore, 'getOrCreateKey'>): KeyStore {
  return {
    ...adapter,
    async getOrCreateKey(name) {
      const existing = await adapter.getKey(name);
      if (existing !== null) return existing;
      const key = newKey();
      await adapter.putKey(name, key);
      return key;
    },
  };
}

/** Key names are part of stored data (keychain accounts, AAD): keep them stable. */
export const keyNames = {
  systemDatabase: 'db:system',
  /** Encrypts secrets inside the system store (TOTP seeds, SMTP password). */
  systemSecrets: 'secrets:system',
  tenantDatabase: (tenantId: string) => `db:tenant:${tenantId}`,
  /** The master key of field encryption: wraps every tenant's key-encryption key. */
  fieldMaster: 'fields:master',
  /** Keys the audit log's chain and its head file. */
  auditChain: 'audit:chain',
  /** Seals the installation's backups (unless a backup is sealed with a passphrase). */
  backupSeal: 'backup:seal',
  /** The Kontor server's connection tokens (HMAC): the same on every instance. */
  serverConnectionTokens: 'server.connectionTokens',
  /** Seals the import and export files the Kontor server holds for desks for a while. */
  serverFiles: 'server.files',
} as const;
