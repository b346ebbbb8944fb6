// The Electron main process: a thin adapter. Everything that matters runs in src/core behind
// the gate; this file owns the window, the app scheme, and the one IPC entry point.
import { basename, join } from 'node:path';
import { z } from 'zod';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol } from 'electron';
import { createEnvironmentGate, machineFromEnvironment, parseEnv } from '../core/config';
import { consoleLogger } from '../core/app';
import { systemClock } from '../core/deps';
import { createFileLogger } from '../core/logs/file-logger';
import type { Gate } from '../core/gate';
import { AppError } from '../shared/errors';
import type { ProgressEvent } from '../shared/contract/bridge';
import { menuTemplate } from './menu';
import { keyBackupArgument, readKeyBackup } from './key-backup-file';
import { smokeLine, smokeTest } from './smoke-test';
import { desktopUpdater } from './updates';
import { allowedOrigins, APP_ORIGIN, APP_SCHEME, isTrustedSender, rendererFile } from './origin';
import { CONTENT_SECURITY_POLICY, hardenSessions } from './security';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const devServerUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const origins = allowedOrigins(devServerUrl);
let window: BrowserWindow | null = null;
let gate: Gate | null = null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Kontor',
    webPreferences: {
      preload: join(import.meta.dirname, '..', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: true,
      // A middle click on a link would open it in a new window, past the navigation guard.
      disableBlinkFeatures: 'Auxclick',
      // No developer tools in a build that reaches users.
      devTools: !app.isPackaged,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.once('did-finish-load', () => {
    pendingKeyBackup?.();
    pendingKeyBackup = null;
  });
  void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

/** A key backup opened from the file manager, for the unlock screen (sent once the page has loaded). */
async function openKeyBackup(path: string): Promise<void> {
  const opened = await readKeyBackup(path);
  const send = () => window?.webContents.send('kontor:event:keyBackup', opened);
  if (window && !window.webContents.isLoading()) send();
  else pendingKeyBackup = send;
}
let pendingKeyBackup: (() => void) | null = null;

function serveRenderer(): void {
  const root = join(import.meta.dirname, '..', 'renderer');
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return new Response('not found', { status: 404 });
    const path = rendererFile(root, url.pathname);
    if (path === null) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(path).toString());
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}

const fileRequestSchema = z.object({
  mode: z.enum(['open', 'save']),
  extensions: z
    .array(z.string().regex(/^[a-z0-9]{1,8}$/))
    .min(1)
    .max(10),
  name: z.string().max(200).optional(),
});

/** Windows that were granted files (their grants are revoked when they close). */
const granted = new Set<number>();

/**
 * Running calls that the renderer named (long ones: imports, exports, a replay), so it can cancel
 * them and an update does not restart the app under them: `<window>:<call id>`.
 */
const running = new Map<string, { name: string; controller: AbortController }>();

function registerIpc(): void {
  ipcMain.handle('kontor:cancel', (event, callId: unknown) => {
    if (!isTrustedSender(event, origins) || typeof callId !== 'string') return;
    running.get(`${event.sender.id}:${callId}`)?.controller.abort();
  });
  // The system's open or save dialog; the chosen file is granted to this window's connection only.
  ipcMain.handle('kontor:choose-file', async (event, request: unknown) => {
    if (!isTrustedSender(event, origins) || !gate) return null;
    const opened = gate;
    const parsed = fileRequestSchema.safeParse(request);
    const owner = BrowserWindow.fromWebContents(event.sender);
    if (!parsed.success || !owner) return null;
    const { mode, extensions, name } = parsed.data;
    const filters = [{ name: extensions.map((e) => e.toUpperCase()).join(', '), extensions }];
    const path =
      mode === 'open'
        ? (await dialog.showOpenDialog(owner, { properties: ['openFile'], filters })).filePaths[0]
        : (await dialog.showSaveDialog(owner, { filters, ...(name !== undefined && { defaultPath: name }) })).filePath;
    if (!path) return null;
    const connection = `window:${event.sender.id}`;
    // A closed window's grants go with it.
    if (!granted.has(event.sender.id)) {
      granted.add(event.sender.id);
      event.sender.once('destroyed', () => opened.revokeFiles(connection));
    }
    // In server mode the file goes up to the server (an import) or comes down after the export;
    // what kept it from going is shown to the user (too large, the server not reachable …).
    try {
      return {
        fileId: await opened.grantFile(connection, path, mode === 'open' ? 'read' : 'write'),
        name: basename(path),
      };
    } catch (error) {
      const failed = error instanceof AppError ? error : new AppError('internal', 'the file could not be handed over');
      if (!(error instanceof AppError)) console.error('choosing a file failed', error);
      return { failed: failed.toShape() };
    }
  });
  ipcMain.handle('kontor:invoke', async (event, name: unknown, input: unknown, callId: unknown) => {
    // The sender check comes before anything else: a frame that is not ours learns nothing.
    if (!isTrustedSender(event, origins)) {
      return { ok: false, error: new AppError('forbidden', 'forbidden: this frame may not call Kontor').toShape() };
    }
    if (typeof name !== 'string' || gate === null) {
      return { ok: false, error: new AppError('validation', 'a procedure name is required').toShape() };
    }
    const id = typeof callId === 'string' ? callId.slice(0, 100) : undefined;
    const controller = new AbortController();
    const key = `${event.sender.id}:${id ?? ''}`;
    if (id) running.set(key, { name, controller });
    try {
      return await gate.call(name, input, {
        // Each window is its own connection: its session lives here, never in the renderer.
        meta: { connection: `window:${event.sender.id}` },
        signal: controller.signal,
        // Only a long call (one with an id) reports progress: a desk in server mode streams those alone.
        ...(id !== undefined && {
          onProgress: (progress: ProgressEvent) =>
            event.sender.send('kontor:event:progress', { ...progress, callId: id }),
        }),
      });
    } finally {
      if (id) running.delete(key);
    }
  });
}

if (process.argv.includes('--kontor-smoke-test')) {
  // The packaging hook's check (scripts/packaging/after-pack.mjs): native modules, then quit.
  void app.whenReady().then(async () => {
    const modules = await smokeTest();
    process.stdout.write(`${smokeLine(modules)}\n`);
    app.exit(Object.values(modules).every((result) => result === 'ok') ? 0 : 1);
  });
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
    const backup = keyBackupArgument(argv.slice(1));
    if (backup) void openKeyBackup(backup);
  });
  // macOS hands a double-clicked file to the app this way, also before it is ready.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    void openKeyBackup(path);
  });
  const launchedWith = keyBackupArgument(process.argv.slice(1));
  if (launchedWith) void openKeyBackup(launchedWith);

  void app.whenReady().then(async () => {
    hardenSessions();
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(menuTemplate({ packaged: app.isPackaged, platform: process.platform })),
    );
    serveRenderer();
    registerIpc();
    const migrationsDir = app.isPackaged
      ? join(process.resourcesPath, 'migrations')
      : join(app.getAppPath(), 'resources', 'migrations');
    try {
      const env = parseEnv(process.env);
      const dataDir = process.env['KONTOR_DATA_DIR'] ?? app.getPath('userData');
      // The platform's log folder, rotated; a development start also prints to the console.
      const logger = createFileLogger({
        dir: app.getPath('logs'),
        clock: systemClock,
        ...(!app.isPackaged && { also: consoleLogger }),
      });
      const machine = await machineFromEnvironment(env, logger);
      // Only an installed app updates itself (a development start has nothing to replace).
      const updates = app.isPackaged
        ? desktopUpdater(machine, {
            dataDir,
            version: app.getVersion(),
            busy: () => running.values().next().value?.name ?? null,
            logger,
          })
        : null;
      if (updates) app.on('will-quit', updates.stop);
      gate = createEnvironmentGate({
        dataDir,
        env,
        version: app.getVersion(),
        migrationsDir,
        machine,
        ...(updates && { updater: updates.updater }),
        logger,
        fileLogger: logger,
        licencesFile: join(import.meta.dirname, '..', 'licenses.json'),
        backupSchedule: true,
      });
    } catch (error) {
      // Only a bad KONTOR_* variable gets here; everything else shows in the app's unlock screen.
      dialog.showErrorBox('Kontor cannot start', (error as Error).message);
      app.quit();
      return;
    }
    await gate.start();
    window = createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) window = createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', () => {
    void gate?.close();
  });
}
