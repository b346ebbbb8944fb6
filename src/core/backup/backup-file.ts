// The backup file: one file, sealed. A line of JSON in clear says how to open it (format, which
// seal, the salt); then the payload follows in frames of at most 1 MiB, each sealed with
// AES-256-GCM under a key derived for this file alone. A frame's nonce is the file's random prefix
// and the frame's number; its additional data binds the header, the number and whether it is the
// last frame, so frames cannot be reordered, swapped between files or cut off unnoticed.
//
// The payload: the manifest's length (4 bytes), the manifest (JSON), then the files the manifest
// lists, one after the other, in its order and sizes. Reading the manifest decrypts only the
// first frames (a list of backups stays fast).
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import { AppError, throwIfCancelled } from '../../shared/errors';
import { deriveKek, kdfSchema, DEFAULT_KDF } from '../keys/passphrase-store';
import { checkBackupPassphrase } from '../keys/key-backup';

export const BACKUP_EXTENSION = '.kontorbackup';
const FORMAT = 'kontor-backup';
const FRAME_BYTES = 1 << 20;
const TAG_BYTES = 16;
const HEADER_MAX = 4096;
/** A manifest is a few kilobytes per company; more than this is not one of ours. */
const MANIFEST_MAX = 64 << 20;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const sealSchema = z.discriminatedUnion('kind', [
  /** A key of the installation's key store (created at its first backup; part of the key backup). */
  z.object({ kind: z.literal('installation'), keyId: z.string().regex(/^[0-9a-f]{16}$/) }),
  /** A passphrase, stretched with argon2id: the backup opens anywhere with it alone. */
  z.object({ kind: z.literal('passphrase'), kdf: kdfSchema }),
]);
export type Seal = z.infer<typeof sealSchema>;

const headerSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  createdAt: z.string().max(40),
  seal: sealSchema,
  salt: b64.max(64),
  noncePrefix: z.string().regex(/^[0-9a-f]{16}$/),
});
export type BackupHeader = z.infer<typeof headerSchema>;

/** The cost of deriving a passphrase's key (argon2id); DEFAULT_KDF unless a test lowers it. */
export type BackupKdf = { readonly memoryKiB: number; readonly iterations: number; readonly parallelism: number };

/** How the caller seals a new backup, or opens one. */
export type SealSecret =
  | { readonly kind: 'installation'; readonly key: Buffer }
  | { readonly kind: 'passphrase'; readonly passphrase: string };

/** What identifies the installation key without telling anything about it. */
export function installationKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('kontor:backup-key-id').digest('hex').slice(0, 16);
}

const damaged = (why: string) =>
  new AppError('validation', `the backup file is damaged or not a Kontor backup: ${why}`, { reason: 'backup_damaged' });

async function fileKey(header: BackupHeader, secret: SealSecret): Promise<Buffer> {
  let base: Buffer;
  if (header.seal.kind === 'installation') {
    if (secret.kind !== 'installation') {
      throw new AppError('validation', 'this backup is sealed with the installation key, not with a passphrase', {
        reason: 'backup_seal_installation',
      });
    }
    if (installationKeyId(secret.key) !== header.seal.keyId) {
      throw new AppError(
        'locked',
        'this backup was sealed by another installation: import that installation’s key backup first (kontor keys import), or use a backup sealed with a passphrase',
        { reason: 'backup_other_installation' },
      );
    }
    base = secret.key;
  } else {
    if (secret.kind !== 'passphrase') {
      throw new AppError('validation', 'this backup is sealed with a passphrase: give it (KONTOR_BACKUP_PASSPHRASE)', {
        reason: 'backup_passphrase_needed',
      });
    }
    base = await deriveKek(secret.passphrase, header.seal.kdf);
  }
  return Buffer.from(hkdfSync('sha256', base, Buffer.from(header.salt, 'base64'), 'kontor:backup:v1', 32));
}

function frameAad(headerHash: Buffer, index: number, last: boolean): Buffer {
  const tail = Buffer.alloc(5);
  tail.writeUInt32BE(index);
  tail[4] = last ? 1 : 0;
  return Buffer.concat([headerHash, tail]);
}

function frameNonce(prefix: Buffer, index: number): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0, 0, 8);
  nonce.writeUInt32BE(index, 8);
  return nonce;
}

export interface WriteProgress {
  readonly signal?: AbortSignal;
  /** Bytes of the payload written so far, of all. */
  readonly onBytes?: (done: number, total: number) => void;
}

/** A part of the payload after the manifest: a file's path and its size in bytes. */
export interface PayloadFile {
  readonly path: string;
  readonly bytes: number;
}

/**
 * Writes a sealed backup to `out` (a file that must not exist yet). The caller writes to a
 * temporary name and renames it when this resolves.
 */
export async function writeBackupFile(
  out: string,
  secret: SealSecret,
  createdAt: Date,
  manifest: unknown,
  files: readonly PayloadFile[],
  progress: WriteProgress = {},
  kdf: BackupKdf = DEFAULT_KDF,
): Promise<{ bytes: number }> {
  if (secret.kind === 'passphrase') checkBackupPassphrase(secret.passphrase);
  const seal: Seal =
    secret.kind === 'installation'
      ? { kind: 'installation', keyId: installationKeyId(secret.key) }
      : {
          kind: 'passphrase',
          kdf: { algorithm: 'argon2id', salt: randomBytes(16).toString('base64'), ...kdf },
        };
  const header: BackupHeader = {
    format: FORMAT,
    version: 1,
    createdAt: createdAt.toISOString(),
    seal,
    salt: randomBytes(16).toString('base64'),
    noncePrefix: randomBytes(8).toString('hex'),
  };
  const headerLine = `${JSON.stringify(header)}\n`;
  const headerHash = createHash('sha256').update(headerLine).digest();
  const key = await fileKey(header, secret);
  const prefix = Buffer.from(header.noncePrefix, 'hex');

  const manifestBytes = Buffer.from(JSON.stringify(manifest), 'utf8');
  const lead = Buffer.alloc(4);
  lead.writeUInt32BE(manifestBytes.length);
  const total = 4 + manifestBytes.length + files.reduce((sum, f) => sum + f.bytes, 0);

  const handle = await open(out, 'wx', 0o600);
  try {
    let position = 0;
    const write = async (data: Buffer) => {
      await handle.write(data, 0, data.length, position);
      position += data.length;
    };
    await write(Buffer.from(headerLine, 'utf8'));
    let index = 0;
    let done = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const seal = async (plain: Buffer, last: boolean) => {
      const cipher = createCipheriv('aes-256-gcm', key, frameNonce(prefix, index));
      cipher.setAAD(frameAad(headerHash, index, last));
      const body = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(plain.length);
      await write(Buffer.concat([length, body]));
      index += 1;
      done += plain.length;
      progress.onBytes?.(done, total);
    };
    // Frames are full except the last; the last is sealed as such even when it is empty.
    const push = async (data: Buffer) => {
      let rest = data;
      while (rest.length > 0) {
        const room = FRAME_BYTES - pendingBytes;
        pending.push(rest.subarray(0, room));
        pendingBytes += Math.min(room, rest.length);
        rest = rest.subarray(room);
        if (pendingBytes === FRAME_BYTES && done + FRAME_BYTES < total) {
          throwIfCancelled(progress.signal, 'backup cancelled');
          await seal(Buffer.concat(pending), false);
          pending = [];
          pendingBytes = 0;
        }
      }
    };
    await push(lead);
    await push(manifestBytes);
    for (const file of files) {
      let read = 0;
      for await (const chunk of createReadStream(file.path, { highWaterMark: FRAME_BYTES }) as AsyncIterable<Buffer>) {
        read += chunk.length;
        if (read > file.bytes) throw new Error(`${file.path} grew while it was written into the backup`);
        await push(chunk);
      }
      if (read !== file.bytes) throw new Error(`${file.path} shrank while it was written into the backup`);
    }
    await seal(Buffer.concat(pending), true);
    await handle.sync();
    return { bytes: position };
  } finally {
    await handle.close();
  }
}

/** Reads exactly `length` bytes at `position`, or fewer at the end of the file. */
async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buffer, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buffer.subarray(0, got);
}

function openForReading(file: string): Promise<FileHandle> {
  return open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new AppError(
      'not_found',
      error.code === 'ENOENT' ? `no backup file at ${file}` : `cannot read ${file}: ${error.message}`,
      { reason: 'backup_missing' },
    );
  });
}

export async function readBackupHeader(file: string): Promise<BackupHeader> {
  const handle = await openForReading(file);
  try {
    return (await readHeader(handle)).header;
  } finally {
    await handle.close();
  }
}

async function readHeader(handle: FileHandle): Promise<{ header: BackupHeader; line: Buffer }> {
  const head = await readAt(handle, 0, HEADER_MAX);
  const end = head.indexOf(0x0a);
  if (end < 0) throw damaged('no header');
  const line = head.subarray(0, end + 1);
  let json: unknown;
  try {
    json = JSON.parse(line.toString('utf8'));
  } catch {
    throw damaged('the header is not JSON');
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) throw damaged('unknown header');
  return { header: parsed.data, line };
}

/** An open backup: its header and manifest, and the payload's files as a stream of chunks. */
export interface OpenedBackup {
  readonly header: BackupHeader;
  readonly manifest: unknown;
  /**
   * The payload after the manifest, in order: each file's bytes as chunks. Throws (backup_damaged)
   * when a frame does not open, the file ends early or goes on after the last frame.
   */
  files(sizes: readonly number[], signal?: AbortSignal): AsyncGenerator<{ index: number; chunk: Buffer }>;
  /** Bytes of the payload read so far. */
  readonly position: () => number;
  close(): Promise<void>;
}

export async function openBackupFile(
  file: string,
  secret: SealSecret | ((seal: Seal) => Promise<SealSecret>),
): Promise<OpenedBackup> {
  const handle = await openForReading(file);
  try {
    const { header, line } = await readHeader(handle);
    const key = await fileKey(header, typeof secret === 'function' ? await secret(header.seal) : secret);
    const headerHash = createHash('sha256').update(line).digest();
    const prefix = Buffer.from(header.noncePrefix, 'hex');
    const size = (await handle.stat()).size;
    let position = line.length;
    let index = 0;
    let ended = false;
    let payloadRead = 0;

    const nextFrame = async (): Promise<Buffer> => {
      if (ended) throw damaged('it holds less than its manifest lists');
      const length = await readAt(handle, position, 4);
      if (length.length < 4) throw damaged('it is cut off');
      const plainBytes = length.readUInt32BE();
      if (plainBytes > FRAME_BYTES) throw damaged('a frame is too long');
      const body = await readAt(handle, position + 4, plainBytes + TAG_BYTES);
      if (body.length < plainBytes + TAG_BYTES) throw damaged('it is cut off');
      const last = position + 4 + body.length === size;
      const decipher = createDecipheriv('aes-256-gcm', key, frameNonce(prefix, index));
      decipher.setAAD(frameAad(headerHash, index, last));
      decipher.setAuthTag(body.subarray(plainBytes));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(body.subarray(0, plainBytes)), decipher.final()]);
      } catch {
        throw index === 0 && header.seal.kind === 'passphrase'
          ? new AppError('validation', 'wrong passphrase for this backup (or the file is damaged)', {
              reason: 'backup_wrong_passphrase',
            })
          : damaged(last ? `frame ${index} does not open` : `frame ${index} does not open, or the file is cut off`);
      }
      position += 4 + body.length;
      index += 1;
      ended = last;
      payloadRead += plain.length;
      return plain;
    };

    // The payload as a byte reader over frames.
    let buffered: Buffer = Buffer.alloc(0);
    const take = async (bytes: number): Promise<Buffer> => {
      while (buffered.length < bytes) buffered = Buffer.concat([buffered, await nextFrame()]);
      const out = buffered.subarray(0, bytes);
      buffered = buffered.subarray(bytes);
      return out;
    };
    const manifestBytes = (await take(4)).readUInt32BE();
    if (manifestBytes > MANIFEST_MAX) throw damaged('the manifest is too long');
    let manifest: unknown;
    try {
      manifest = JSON.parse((await take(manifestBytes)).toString('utf8'));
    } catch {
      throw damaged('the manifest is not JSON');
    }

    return {
      header,
      manifest,
      position: () => payloadRead,
      async *files(sizes, signal) {
        for (const [i, bytes] of sizes.entries()) {
          let left = bytes;
          while (left > 0) {
            throwIfCancelled(signal, 'cancelled');
            if (buffered.length === 0) buffered = await nextFrame();
            const chunk = buffered.subarray(0, Math.min(left, buffered.length));
            buffered = buffered.subarray(chunk.length);
            left -= chunk.length;
            yield { index: i, chunk };
          }
        }
        // Only an empty last frame may follow what the manifest lists.
        if (buffered.length > 0 || (!ended && ((await nextFrame()).length > 0 || !ended))) {
          throw damaged('it holds more than its manifest lists');
        }
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
