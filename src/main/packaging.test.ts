// The packaging hooks' logic (scripts/packaging), tested here; the hooks themselves run inside
// electron-builder on a packaging machine. The smoke test runs under Node here: the Electron step
// (starting the packaged app) needs the Electron binary, which cannot be downloaded on this machine.
import { describe, expect, it } from 'vitest';
import { canRun, executableOf, NATIVE_MODULES, smokeFailure } from '../../scripts/packaging/after-pack.mjs';
import { notaryCredentials } from '../../scripts/packaging/notarize.mjs';
import { signCommand, splitCommand } from '../../scripts/packaging/sign-windows.mjs';
import { smokeLine, smokeTest } from './smoke-test';

describe('the post-pack smoke test', () => {
  it('loads every native module and prints a line the hook accepts', async () => {
    const modules = await smokeTest();
    expect(Object.keys(modules).sort()).toEqual([...NATIVE_MODULES].sort());
    expect(modules).toEqual({ 'better-sqlite3': 'ok', argon2: 'ok', keytar: 'ok' });
    expect(smokeFailure(`some log\n${smokeLine(modules)}\n`)).toBeNull();
  });

  it('fails the build loudly for a module that does not load, or no result at all', () => {
    const line = smokeLine({
      'better-sqlite3': 'was compiled against a different Node.js version (NODE_MODULE_VERSION 115)',
      argon2: 'ok',
      keytar: 'ok',
    });
    expect(smokeFailure(line)).toMatch(/^better-sqlite3: was compiled against a different Node.js version/);
    expect(smokeFailure(smokeLine({ argon2: 'ok' }))).toMatch(/better-sqlite3: not tried; keytar: not tried/);
    expect(smokeFailure('Segmentation fault')).toBe('the app printed no smoke test result');
    expect(smokeFailure('kontor-smoke-test {oops')).toBe('the smoke test result is not JSON');
  });

  it('finds the packaged executable and starts only what this machine can run', () => {
    expect(executableOf('darwin', '/out/mac', 'Kontor', 'kontor')).toBe('/out/mac/Kontor.app/Contents/MacOS/Kontor');
    expect(executableOf('win32', '/out/win', 'Kontor', 'Kontor')).toMatch(/Kontor\.exe$/);
    expect(executableOf('linux', '/out/linux', 'Kontor', 'kontor')).toBe('/out/linux/kontor');
    expect(canRun('linux', 'x64', { platform: 'linux', arch: 'x64' })).toBe(true);
    expect(canRun('win32', 'x64', { platform: 'linux', arch: 'x64' })).toBe(false);
    expect(canRun('linux', 'arm64', { platform: 'linux', arch: 'x64' })).toBe(false);
    expect(canRun('darwin', 'universal', { platform: 'darwin', arch: 'arm64' })).toBe(true);
  });
});

describe('signing from the environment only', () => {
  it('signs with a certificate file and its password, time-stamped', () => {
    const command = signCommand(
      { KONTOR_WIN_CERT_FILE: 'C:\\certs\\kontor.pfx', KONTOR_WIN_CERT_PASSWORD: 'pw' },
      'Kontor.exe',
    );
    expect(command?.program).toBe('signtool.exe');
    expect(command?.args).toEqual(expect.arrayContaining(['/f', 'C:\\certs\\kontor.pfx', '/p', 'pw', '/fd', 'sha256']));
    expect(command?.args.at(-1)).toBe('Kontor.exe');
    expect(() => signCommand({ KONTOR_WIN_CERT_FILE: 'x.pfx' }, 'a.exe')).toThrow(/without KONTOR_WIN_CERT_PASSWORD/);
  });

  it('or with a cloud signing service’s command, the file in its place', () => {
    expect(
      signCommand(
        { KONTOR_WIN_SIGN_COMMAND: 'AzureSignTool sign -kvu "https://vault.example" -tr http://ts.example {file}' },
        'C:\\out\\Kontor Setup.exe',
      ),
    ).toEqual({
      program: 'AzureSignTool',
      args: ['sign', '-kvu', 'https://vault.example', '-tr', 'http://ts.example', 'C:\\out\\Kontor Setup.exe'],
    });
    expect(() => signCommand({ KONTOR_WIN_SIGN_COMMAND: 'signer --all' }, 'a.exe')).toThrow(/\{file\}/);
    expect(splitCommand('a "b c" d')).toEqual(['a', 'b c', 'd']);
  });

  it('leaves a local build unsigned and un-notarised when nothing is given', () => {
    expect(signCommand({}, 'a.exe')).toBeNull();
    expect(notaryCredentials({})).toBeNull();
    expect(notaryCredentials({ APPLE_ID: 'a@b.c', APPLE_APP_SPECIFIC_PASSWORD: 'p', APPLE_TEAM_ID: 'T' })).toEqual({
      appleId: 'a@b.c',
      appleIdPassword: 'p',
      teamId: 'T',
    });
    expect(notaryCredentials({ APPLE_API_KEY: 'k.p8', APPLE_API_KEY_ID: 'id', APPLE_API_ISSUER: 'iss' })).toMatchObject(
      {
        appleApiKeyId: 'id',
      },
    );
  });
});
