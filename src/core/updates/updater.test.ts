// The update logic against a real HTTP server on 127.0.0.1 serving feeds in electron-builder's
// format: newer, same, older and test versions, staged rollouts, a tampered hash, a missing file
// or feed, a server that stalls and one that breaks off in the middle of a download.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import type { MachineConfig } from '../../shared/machine-config';
import { quietLogger } from '../db/testing';
import { systemClock } from '../deps';
import { decideUpdate, inRollout, isMsiInstall, rolloutBucket } from './decide';
import { asDownloadError, httpEngine } from './download';
import { installationId } from './installation-id';
import { feedFiles, FeedError, parseFeed, type UpdateInfo } from './feed';
import { createUpdater, type UpdaterOptions } from './updater';

type Behaviour = 'serve' | 'stall' | 'cut-once' | 'no-ranges';

/** The update server: files by path, how it behaves, and what it was asked. */
const files = new Map<string, Buffer>();
const behaviour = new Map<string, Behaviour>();
const requests: { path: string; range: string | undefined }[] = [];
const cut = new Set<string>();
let server: Server;
let base: string;

function handle(request: IncomingMessage, response: ServerResponse): void {
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
  requests.push({ path, range: request.headers.range });
  const body = files.get(path);
  if (!body) {
    response.writeHead(404).end();
    return;
  }
  const how = behaviour.get(path) ?? 'serve';
  if (how === 'stall') {
    response.writeHead(200, { 'content-length': body.length });
    response.write(body.subarray(0, 1024));
    return; // and nothing more
  }
  const range = how === 'no-ranges' ? undefined : /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  if (range) {
    const from = Number(range[1]);
    response.writeHead(206, {
      'content-length': body.length - from,
      'content-range': `bytes ${from}-${body.length - 1}/${body.length}`,
    });
    response.end(body.subarray(from));
    return;
  }
  response.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes' });
  if (how === 'cut-once' && !cut.has(path)) {
    cut.add(path);
    response.write(body.subarray(0, Math.floor(body.length / 2)), () => request.socket.destroy());
    return;
  }
  response.end(body);
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kontor`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const dirs: string[] = [];
afterEach(() => {
  files.clear();
  behaviour.clear();
  requests.length = 0;
  cut.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const sha512 = (data: Buffer) => createHash('sha512').update(data).digest('base64');

/** Publishes a version as electron-builder does: the installer and the channel's feed file. */
function publish(
  version: string,
  { feed = 'latest.yml', installer = randomBytes(300_000), hash, stagingPercentage, serveFile = true } = {} as {
    feed?: string;
    installer?: Buffer;
    hash?: string;
    stagingPercentage?: number;
    serveFile?: boolean;
  },
): Buffer {
  const name = `Kontor-Setup-${version}.exe`;
  if (serveFile) files.set(`/kontor/${name}`, installer);
  const info = {
    version,
    files: [{ url: name, sha512: hash ?? sha512(installer), size: installer.length }],
    path: name,
    sha512: hash ?? sha512(installer),
    releaseDate: '2026-12-01T10:00:00.000Z',
    ...(stagingPercentage !== undefined && { stagingPercentage }),
  };
  files.set(`/kontor/${feed}`, Buffer.from(dump(info)));
  return installer;
}

function updater(config: MachineConfig = {}, overrides: Partial<UpdaterOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kontor-updates-'));
  dirs.push(dir);
  const installed: string[] = [];
  const full: MachineConfig = { updateUrl: base, ...config };
  const made = createUpdater({
    config: full,
    currentVersion: '1.2.0',
    installationId: 'installation-1',
    platform: 'win32',
    arch: 'x64',
    engine: httpEngine({
      baseUrl: new URL(full.updateUrl ?? base),
      dir,
      platform: 'win32',
      idleTimeoutMs: 300,
      install: async (file) => void installed.push(file),
    }),
    busy: () => null,
    clock: systemClock,
    logger: quietLogger,
    idleTimeoutMs: 300,
    ...overrides,
  });
  return { updater: made, dir, installed };
}

const downloads = () => requests.filter((r) => r.path.endsWith('.exe'));

describe('the update feed', () => {
  it('names the feed files electron-builder publishes for each platform and channel', () => {
    expect(feedFiles('stable', 'win32', 'x64')).toEqual(['latest.yml']);
    expect(feedFiles('stable', 'darwin', 'arm64')).toEqual(['latest-mac.yml']);
    expect(feedFiles('stable', 'linux', 'x64')).toEqual(['latest-linux.yml']);
    expect(feedFiles('stable', 'linux', 'arm64')).toEqual(['latest-linux-arm64.yml']);
    expect(feedFiles('beta', 'win32', 'x64')).toEqual(['beta.yml', 'latest.yml']);
  });

  it('refuses a feed that is not YAML, has no valid version, or names a file without its hash', () => {
    const ok = 'version: 1.3.0\nfiles:\n  - url: a.exe\n    sha512: ' + 'A'.repeat(86) + '==\n    size: 10\n';
    expect(parseFeed(ok, 'latest.yml').version).toBe('1.3.0');
    for (const [text, message] of [
      ['version: [1.3', /not valid YAML/],
      ['version: latest\nfiles: []', /version must be a semantic version/],
      ['version: 1.3.0\nfiles:\n  - url: a.exe\n    size: 10\n', /files.0.sha512/],
    ] as const) {
      expect(() => parseFeed(text, 'latest.yml')).toThrow(message);
      expect(() => parseFeed(text, 'latest.yml')).toThrow(FeedError);
    }
  });

  it('decides: newer is taken, the same or older is not, a rollout includes a stable share of installations', () => {
    const info = (version: string, stagingPercentage?: number): UpdateInfo => ({
      version,
      files: [{ url: 'a', sha512: `${'A'.repeat(86)}==`, size: 1 }],
      ...(stagingPercentage !== undefined && { stagingPercentage }),
    });
    expect(decideUpdate('1.2.0', [info('1.3.0')], 0.5).kind).toBe('available');
    expect(decideUpdate('1.2.0', [info('1.2.0')], 0.5).kind).toBe('up_to_date');
    expect(decideUpdate('1.2.0', [info('1.1.9')], 0.5).kind).toBe('downgrade_refused');
    expect(decideUpdate('1.2.0', [info('1.3.0-beta.1'), info('1.3.0')], 0.5)).toMatchObject({
      kind: 'available',
      info: { version: '1.3.0' },
    });
    expect(decideUpdate('1.2.0', [info('1.3.0', 0)], 0).kind).toBe('not_in_rollout');
    expect(decideUpdate('1.2.0', [info('1.3.0', 100)], 0.999).kind).toBe('available');
    expect(inRollout(undefined, 0.99)).toBe(true);
    // The same installation lands in the same place every time; about half of many are in a 50 % rollout.
    expect(rolloutBucket('a')).toBe(rolloutBucket('a'));
    const inside = Array.from({ length: 2000 }, (_, i) => inRollout(50, rolloutBucket(`installation-${i}`)));
    expect(inside.filter(Boolean).length).toBeGreaterThan(900);
    expect(inside.filter(Boolean).length).toBeLessThan(1100);
  });
});

describe('the updater against an update server', () => {
  it('downloads a newer version in the background, verifies it, and restarts into it only when nothing runs', async () => {
    const installer = publish('1.3.0');
    let busy: string | null = 'the customer import';
    const { updater: u, dir, installed } = updater({}, { busy: () => busy });
    expect(u.state()).toEqual({ state: 'idle' });
    expect(await u.check()).toEqual({ state: 'ready', version: '1.3.0' });
    const file = join(dir, '1.3.0', 'Kontor-Setup-1.3.0.exe');
    expect(readFileSync(file).equals(installer)).toBe(true);
    const refused = await u.restart().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: 'conflict',
      details: { reason: 'update_busy', busy: 'the customer import' },
    });
    expect(installed).toEqual([]);
    busy = null;
    await u.restart();
    expect(installed).toEqual([file]);
    // A second check does not download it again.
    expect(await u.check()).toEqual({ state: 'ready', version: '1.3.0' });
    expect(downloads()).toHaveLength(1);
  });

  it('says up to date for the same version, never installs an older one, and a stable desk ignores test versions', async () => {
    publish('1.2.0');
    expect(await updater().updater.check()).toMatchObject({ state: 'up_to_date', version: '1.2.0' });
    publish('1.1.0');
    expect(await updater().updater.check()).toMatchObject({ state: 'up_to_date', version: '1.2.0' });
    publish('1.3.0-beta.1');
    expect(await updater().updater.check()).toMatchObject({ state: 'up_to_date' });
    expect(downloads()).toEqual([]);
  });

  it('on the beta channel takes a beta, and a stable release newer than it', async () => {
    publish('1.3.0-beta.2', { feed: 'beta.yml' });
    publish('1.2.5');
    expect(await updater({ updateChannel: 'beta' }).updater.check()).toEqual({
      state: 'ready',
      version: '1.3.0-beta.2',
    });
    publish('1.3.0');
    expect(await updater({ updateChannel: 'beta' }).updater.check()).toEqual({ state: 'ready', version: '1.3.0' });
    // Without a beta feed the stable one serves.
    files.delete('/kontor/beta.yml');
    expect(await updater({ updateChannel: 'beta' }).updater.check()).toEqual({ state: 'ready', version: '1.3.0' });
  });

  it('honours staged rollouts: 0 % offers it to nobody, 100 % to everyone', async () => {
    publish('1.3.0', { stagingPercentage: 0 });
    expect(await updater().updater.check()).toMatchObject({ state: 'waiting', version: '1.3.0' });
    expect(downloads()).toEqual([]);
    publish('1.3.0', { stagingPercentage: 100 });
    expect(await updater().updater.check()).toEqual({ state: 'ready', version: '1.3.0' });
    // 50 %: an installation inside gets it, one outside waits.
    publish('1.4.0', { stagingPercentage: 50 });
    const ids = Array.from({ length: 50 }, (_, i) => `desk-${i}`);
    const inside = ids.find((id) => rolloutBucket(id) < 0.5) ?? '';
    const outside = ids.find((id) => rolloutBucket(id) >= 0.5) ?? '';
    expect(await updater({}, { installationId: inside }).updater.check()).toMatchObject({ state: 'ready' });
    expect(await updater({}, { installationId: outside }).updater.check()).toMatchObject({ state: 'waiting' });
  });

  it('deletes a download whose hash does not match the feed, and keeps nothing of it', async () => {
    publish('1.3.0', { hash: sha512(Buffer.from('something else')) });
    const { updater: u, dir } = updater();
    expect(await u.check()).toEqual({ state: 'failed', reason: 'checksum', retryable: false });
    expect(readdirSync(join(dir, '1.3.0'))).toEqual([]);
    await expect(u.restart()).rejects.toMatchObject({ details: { reason: 'no_update_ready' } });
  });

  it('says when the file or the feed is missing or the feed is broken', async () => {
    publish('1.3.0', { serveFile: false });
    expect(await updater().updater.check()).toEqual({ state: 'failed', reason: 'file_missing', retryable: false });
    files.clear();
    expect(await updater().updater.check()).toEqual({ state: 'failed', reason: 'feed_missing', retryable: false });
    files.set('/kontor/latest.yml', Buffer.from('version: soon\n'));
    expect(await updater().updater.check()).toEqual({ state: 'failed', reason: 'feed_invalid', retryable: false });
  });

  it('gives up on a server that stalls, and tries again at the next check', async () => {
    publish('1.3.0');
    behaviour.set('/kontor/Kontor-Setup-1.3.0.exe', 'stall');
    const { updater: u, dir } = updater();
    expect(await u.check()).toEqual({ state: 'failed', reason: 'stalled', retryable: true });
    // What arrived is kept, to resume from; never taken for the update.
    expect(existsSync(join(dir, '1.3.0', 'Kontor-Setup-1.3.0.exe'))).toBe(false);
    behaviour.delete('/kontor/Kontor-Setup-1.3.0.exe');
    expect(await u.check()).toEqual({ state: 'ready', version: '1.3.0' });
    expect(downloads().at(-1)?.range).toBe('bytes=1024-');
  });

  it('resumes a download that broke off where it stopped, and starts over where the server has no ranges', async () => {
    const installer = publish('1.3.0');
    behaviour.set('/kontor/Kontor-Setup-1.3.0.exe', 'cut-once');
    const { updater: u, dir } = updater();
    expect(await u.check()).toEqual({ state: 'failed', reason: 'offline', retryable: true });
    expect(await u.check()).toEqual({ state: 'ready', version: '1.3.0' });
    const [first, second] = downloads();
    expect(first?.range).toBeUndefined();
    expect(second?.range).toMatch(/^bytes=\d+-$/);
    expect(readFileSync(join(dir, '1.3.0', 'Kontor-Setup-1.3.0.exe')).equals(installer)).toBe(true);

    publish('1.4.0');
    behaviour.set('/kontor/Kontor-Setup-1.4.0.exe', 'cut-once');
    const again = updater();
    expect(await again.updater.check()).toMatchObject({ state: 'failed', reason: 'offline' });
    behaviour.set('/kontor/Kontor-Setup-1.4.0.exe', 'no-ranges');
    expect(await again.updater.check()).toEqual({ state: 'ready', version: '1.4.0' });
  });

  it('fetches the feed through the fetch it is given (Electron’s, where IT’s proxy applies)', async () => {
    publish('1.2.0');
    const asked: string[] = [];
    const through: typeof fetch = (input, init) => {
      asked.push(input instanceof URL ? input.href : typeof input === 'string' ? input : input.url);
      return fetch(input, init);
    };
    expect(await updater({}, { fetch: through }).updater.check()).toMatchObject({ state: 'up_to_date' });
    expect(asked).toEqual([`${base}/latest.yml`]);
  });

  it('asks nobody when IT switched updates off, gave no address, or installed the MSI', async () => {
    publish('1.3.0');
    expect(await updater({}, { msi: true }).updater.check()).toEqual({ state: 'disabled', why: 'msi' });
    expect(isMsiInstall('win32', ['Kontor.exe', 'resources'], 'Kontor')).toBe(true);
    expect(isMsiInstall('win32', ['Kontor.exe', 'Uninstall Kontor.exe'], 'Kontor')).toBe(false);
    expect(isMsiInstall('darwin', [], 'Kontor')).toBe(false);
    expect(await updater({ updatesEnabled: false }).updater.check()).toEqual({ state: 'disabled', why: 'by_it' });
    const noAddress = createUpdater({
      ...({} as UpdaterOptions),
      config: {},
      currentVersion: '1.2.0',
      installationId: 'x',
      platform: 'win32',
      arch: 'x64',
      engine: { download: async () => undefined, install: async () => undefined },
      busy: () => null,
      clock: systemClock,
      logger: quietLogger,
    });
    expect(await noAddress.check()).toEqual({ state: 'disabled', why: 'no_address' });
    expect(requests).toEqual([]);
  });
});

describe('what electron-updater and the network report', () => {
  it('turns their errors into the updater’s reasons', () => {
    const reason = (code: string | undefined, message = 'x') =>
      asDownloadError(Object.assign(new Error(message), { code })).reason;
    expect(reason('ERR_CHECKSUM_MISMATCH')).toBe('checksum');
    expect(reason('ERR_UPDATER_INVALID_SIGNATURE')).toBe('signature');
    expect(reason('ERR_UPDATER_CHANNEL_FILE_NOT_FOUND')).toBe('feed_missing');
    expect(reason('ERR_UPDATER_INVALID_UPDATE_INFO')).toBe('feed_invalid');
    expect(reason('ERR_UPDATER_ZIP_FILE_NOT_FOUND')).toBe('file_missing');
    expect(reason('ECONNREFUSED')).toBe('offline');
    expect(reason(undefined, 'net::ERR_INTERNET_DISCONNECTED')).toBe('offline');
    expect(reason(undefined, 'net::ERR_TIMED_OUT')).toBe('stalled');
    expect(reason(undefined, 'something else')).toBe('server_error');
  });

  it('keeps one installation id per data directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kontor-installation-'));
    dirs.push(dir);
    const id = installationId(dir);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(installationId(dir)).toBe(id);
    expect(installationId(join(dir, 'other'))).not.toBe(id);
  });
});
