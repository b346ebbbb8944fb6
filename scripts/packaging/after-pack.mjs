// electron-builder's afterPack hook: starts the packaged app once with --kontor-smoke-test, which
// loads every native module in Electron and prints what loaded (src/main/smoke-test.ts). The build
// fails loudly when one does not — a module built for Node instead of Electron, or not unpacked
// from the asar. Packaging for another platform than this machine cannot start the app: said, and
// skipped.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The modules the app cannot run without, as the smoke test names them. */
export const NATIVE_MODULES = ['better-sqlite3', 'argon2', 'keytar'];

/** The packaged executable inside `appOutDir`. */
export function executableOf(platform, appOutDir, productFilename, executableName) {
  if (platform === 'darwin') return join(appOutDir, `${productFilename}.app`, 'Contents', 'MacOS', productFilename);
  if (platform === 'win32') return join(appOutDir, `${productFilename}.exe`);
  return join(appOutDir, executableName);
}

/** Why the smoke test's output is a failure, or null when every module loaded. */
export function smokeFailure(output) {
  const line = output.split(/\r?\n/).find((l) => l.startsWith('kontor-smoke-test '));
  if (!line) return 'the app printed no smoke test result';
  let result;
  try {
    result = JSON.parse(line.slice('kontor-smoke-test '.length));
  } catch {
    return 'the smoke test result is not JSON';
  }
  const failed = NATIVE_MODULES.filter((name) => result.modules?.[name] !== 'ok');
  if (failed.length === 0) return null;
  return failed.map((name) => `${name}: ${result.modules?.[name] ?? 'not tried'}`).join('; ');
}

/** Whether this machine can start what is being packaged (its own platform, an architecture it runs). */
export function canRun(targetPlatform, targetArch, host = process) {
  if (targetPlatform !== host.platform) return false;
  return targetArch === host.arch || (host.platform === 'darwin' && targetArch === 'universal');
}

export default async function afterPack(context) {
  const platform = context.electronPlatformName;
  const arch = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'][context.arch] ?? String(context.arch);
  if (!canRun(platform, arch)) {
    console.warn(
      `  • smoke test skipped: a ${platform}-${arch} app cannot start on this ${process.platform}-${process.arch} machine`,
    );
    return;
  }
  const { productFilename } = context.packager.appInfo;
  const executable = executableOf(platform, context.appOutDir, productFilename, context.packager.executableName);
  let output;
  try {
    output = execFileSync(executable, ['--kontor-smoke-test'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ELECTRON_ENABLE_LOGGING: '0' },
    });
  } catch (error) {
    output = `${error.stdout ?? ''}`;
    if (!output.includes('kontor-smoke-test '))
      throw new Error(`the packaged app did not start for its smoke test: ${error.message}`, { cause: error });
  }
  const failure = smokeFailure(output);
  if (failure) throw new Error(`a native module does not load in the packaged app: ${failure}`);
  console.log(`  • smoke test passed: ${NATIVE_MODULES.join(', ')} load in Electron`);
}
