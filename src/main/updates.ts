// The Electron side of updates: electron-updater downloads, verifies (SHA-512, and on Windows the
// publisher's signature) and installs what src/core/updates decided. Its own staging decision is
// replaced by ours, so both agree on who is in a rollout. Cannot run here (no Electron binary);
// everything it is handed is tested in src/core/updates.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { app, net, session } from 'electron';
import pkg from 'electron-updater';
import type { Logger } from '../core/router';
import { systemClock } from '../core/deps';
import { inRollout, isMsiInstall, rolloutBucket } from '../core/updates/decide';
import { installerSignatureProblem } from '../core/updates/authenticode';
import { asDownloadError } from '../core/updates/download';
import { installationId } from '../core/updates/installation-id';
import { createUpdater, scheduleChecks, type UpdateEngine, type Updater } from '../core/updates/updater';
import { proxyRules, type MachineState } from '../shared/machine-config';

/** The updater of the packaged app, checking 10 s after start and every 4 hours; IT's proxy applies to it. */
export function desktopUpdater(
  machine: MachineState,
  { dataDir, version, busy, logger }: { dataDir: string; version: string; busy: () => string | null; logger: Logger },
): { updater: Updater; stop: () => void } {
  const proxy = proxyRules(machine.config.proxy);
  // electron-updater fetches through a session of its own.
  void session.defaultSession.setProxy(proxy);
  void session.fromPartition('electron-updater', { cache: false }).setProxy(proxy);
  const id = installationId(dataDir);
  // Only Windows has an MSI to tell apart: elsewhere no folder is read at start.
  const beside = process.platform === 'win32' ? readdirSync(dirname(process.execPath)) : [];
  const updater = createUpdater({
    config: machine.config,
    currentVersion: version,
    installationId: id,
    platform: process.platform,
    arch: process.arch,
    engine: electronUpdateEngine(machine.config.updateUrl ?? '', rolloutBucket(id)),
    busy,
    clock: systemClock,
    logger,
    msi: isMsiInstall(process.platform, beside, app.getName()),
    // Through Chromium's network stack, so IT's proxy (set on the session above) applies.
    fetch: (input, init) => net.fetch(input instanceof URL ? input.href : input, init),
  });
  return { updater, stop: scheduleChecks(updater, { firstAfterMs: 10_000, everyMs: 4 * 60 * 60_000 }) };
}

export function electronUpdateEngine(updateUrl: string, bucket: number): UpdateEngine {
  const { autoUpdater, CancellationToken } = pkg;
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = false;
  autoUpdater.isUserWithinRollout = (info) => inRollout(info.stagingPercentage, bucket);
  // Windows: the installer's signature is checked without PowerShell (restricted on many managed
  // machines); only a root Node does not know is left to electron-updater's PowerShell check.
  if (autoUpdater instanceof pkg.NsisUpdater) {
    const windows = autoUpdater.verifyUpdateCodeSignature;
    autoUpdater.verifyUpdateCodeSignature = (names, path) => installerSignatureProblem(names, path, { windows });
  }
  return {
    async download(_info, channel, onProgress, signal) {
      autoUpdater.setFeedURL({ provider: 'generic', url: updateUrl, channel });
      // Setting a channel allows downgrades in electron-updater; Kontor never installs an older version.
      autoUpdater.allowDowngrade = false;
      const token = new CancellationToken();
      signal.addEventListener('abort', () => token.cancel());
      const progress = ({ transferred, total }: { transferred: number; total: number }) =>
        onProgress(transferred, total);
      autoUpdater.on('download-progress', progress);
      try {
        const found = await autoUpdater.checkForUpdates();
        if (!found?.isUpdateAvailable) throw new Error('electron-updater found no update in the feed');
        await autoUpdater.downloadUpdate(token);
      } catch (error) {
        throw asDownloadError(error);
      } finally {
        autoUpdater.off('download-progress', progress);
      }
    },
    async install() {
      // Silent, and Kontor starts again once installed.
      autoUpdater.quitAndInstall(true, true);
    },
  };
}
