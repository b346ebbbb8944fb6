// Updates of the desktop app: check the feed IT's configuration names, decide (channel, rollout,
// newer, never a downgrade), download in the background, and restart only when the user says so
// and nothing is running that a restart would break. What the user is told is the state below;
// the screens translate its reason.
//
// The download and the install are an engine's: electron-updater in the packaged app
// (src/main/updates.ts), the plain HTTP download of download.ts elsewhere. Either way the feed and
// the decision are read here.
import { prerelease } from 'semver';
import type { UpdateFailure, UpdateState } from '../../shared/contract/updates';
import { AppError } from '../../shared/errors';
import { MACHINE_DEFAULTS, type MachineConfig } from '../../shared/machine-config';
import type { Clock } from '../deps';
import type { Logger } from '../router';
import { decideUpdate, rolloutBucket } from './decide';
import { asDownloadError, fetchText, inFolder } from './download';
import { feedFiles, FeedError, parseFeed, type UpdateInfo } from './feed';

/** Downloads and installs what the updater decided on. */
export interface UpdateEngine {
  /** `channel`: the feed the version is in (`latest`, `beta`). */
  download(
    info: UpdateInfo,
    channel: string,
    onProgress: (received: number, total: number) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** Quits the app and installs the downloaded version. */
  install(): Promise<void>;
}

export interface UpdaterOptions {
  readonly config: MachineConfig;
  readonly currentVersion: string;
  /** Stable per installation: its place in staged rollouts. */
  readonly installationId: string;
  readonly platform: NodeJS.Platform;
  readonly arch: string;
  readonly engine: UpdateEngine;
  /** What a restart would break now (a running import, unsaved input), or null. */
  readonly busy: () => string | null;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly idleTimeoutMs?: number;
  /** Installed from the MSI: updates are IT's (see isMsiInstall). */
  readonly msi?: boolean;
  /** How the feed is fetched (Electron's net.fetch in the app, so IT's proxy applies). */
  readonly fetch?: typeof fetch;
}

export interface Updater {
  state(): UpdateState;
  /** Checks the feed and, if there is an update for this installation, downloads it. */
  check(): Promise<UpdateState>;
  /** Restarts into the downloaded version; refused while something runs that a restart would break. */
  restart(): Promise<void>;
  /** Stops a check or download in progress (the app is closing). */
  stop(): void;
}

const RETRYABLE: ReadonlySet<UpdateFailure> = new Set(['offline', 'stalled', 'server_error']);

export function createUpdater(options: UpdaterOptions): Updater {
  const { config, engine, logger } = options;
  /** The feed channel each offered version came from (electron-updater reads that channel's file). */
  const channelOf = new WeakMap<UpdateInfo, string>();
  const enabled = config.updatesEnabled ?? MACHINE_DEFAULTS.updatesEnabled;
  const channel = config.updateChannel ?? MACHINE_DEFAULTS.updateChannel;
  const baseUrl = config.updateUrl === undefined ? null : new URL(config.updateUrl);
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const bucket = rolloutBucket(options.installationId);
  let state: UpdateState = options.msi
    ? { state: 'disabled', why: 'msi' }
    : !enabled
      ? { state: 'disabled', why: 'by_it' }
      : baseUrl
        ? { state: 'idle' }
        : { state: 'disabled', why: 'no_address' };
  let running: Promise<UpdateState> | null = null;
  const stopping = new AbortController();

  /** Every feed of the channel this platform has (a channel without its own feed file is skipped). */
  async function offered(base: URL): Promise<UpdateInfo[]> {
    const found: UpdateInfo[] = [];
    const names = feedFiles(channel, options.platform, options.arch);
    for (const name of names) {
      const text = await fetchText(inFolder(name, base), {
        signal: stopping.signal,
        idleTimeoutMs,
        ...(options.fetch && { fetch: options.fetch }),
      });
      if (text === null) continue;
      const info = parseFeed(text, name);
      channelOf.set(info, name.startsWith('beta') ? 'beta' : 'latest');
      found.push(info);
    }
    if (found.length === 0) throw new FeedError('feed_missing', `${names.join(' and ')} are not at ${base.host}`);
    // The stable channel never takes a test version, even one put into its feed by mistake.
    return channel === 'stable' ? found.filter((info) => prerelease(info.version) === null) : found;
  }

  async function run(base: URL): Promise<UpdateState> {
    state = { state: 'checking' };
    const checkedAt = options.clock.now().toISOString();
    try {
      const decision = decideUpdate(options.currentVersion, await offered(base), bucket);
      if (decision.kind === 'up_to_date') return (state = { state: 'up_to_date', version: decision.latest, checkedAt });
      if (decision.kind === 'downgrade_refused') {
        logger.warn('the update feed names an older version; it is not installed', { offered: decision.info.version });
        return (state = { state: 'up_to_date', version: options.currentVersion, checkedAt });
      }
      if (decision.kind === 'not_in_rollout')
        return (state = { state: 'waiting', version: decision.info.version, checkedAt });
      const { version } = decision.info;
      state = { state: 'downloading', version, received: 0, total: 0 };
      await engine.download(
        decision.info,
        channelOf.get(decision.info) ?? 'latest',
        (received, total) => {
          state = { state: 'downloading', version, received, total };
        },
        stopping.signal,
      );
      logger.warn('an update is downloaded and verified; it installs when the user restarts', { version });
      return (state = { state: 'ready', version });
    } catch (error) {
      const reason: UpdateFailure = error instanceof FeedError ? error.reason : asDownloadError(error).reason;
      logger.warn('the update check failed', { reason, error: (error as Error).message });
      return (state = { state: 'failed', reason, retryable: RETRYABLE.has(reason) });
    }
  }

  return {
    state: () => state,
    async check() {
      if (!baseUrl || state.state === 'disabled' || state.state === 'ready') return state;
      running ??= run(baseUrl).finally(() => {
        running = null;
      });
      return running;
    },
    async restart() {
      if (state.state !== 'ready') {
        throw new AppError('conflict', 'no update is ready to install', { reason: 'no_update_ready' });
      }
      const busy = options.busy();
      if (busy !== null) {
        throw new AppError('conflict', `not now: ${busy} is still running; restart when it is done`, {
          reason: 'update_busy',
          busy,
        });
      }
      try {
        await engine.install();
      } catch (error) {
        logger.error('installing the update failed', { error: (error as Error).message });
        state = { state: 'failed', reason: 'install_failed', retryable: false };
        throw new AppError('internal', 'the update could not be installed; the current version keeps running', {
          reason: 'install_failed',
        });
      }
    },
    stop() {
      stopping.abort();
    },
  };
}

/** Checks at start (after `firstAfterMs`) and then every `everyMs`; returns what stops them. */
export function scheduleChecks(updater: Updater, { firstAfterMs, everyMs }: { firstAfterMs: number; everyMs: number }) {
  const check = () => void updater.check();
  const first = setTimeout(check, firstAfterMs);
  const every = setInterval(check, everyMs);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
    updater.stop();
  };
}
