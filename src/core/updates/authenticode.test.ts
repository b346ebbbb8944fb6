// The PowerShell-free signature check against real Authenticode signatures: a small Windows
// executable signed here with osslsigncode (Debian package) by certificates made with openssl.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installerSignatureProblem, verifyAuthenticode } from './authenticode';

const dir = mkdtempSync(join(tmpdir(), 'kontor-authenticode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);
const run = (program: string, args: string[]) => execFileSync(program, args, { cwd: dir, stdio: 'pipe' });

/** The smallest PE32 file Windows and osslsigncode accept: headers and one code section. */
function minimalPe(): Buffer {
  const file = Buffer.alloc(0x400);
  file.write('MZ', 0, 'latin1');
  file.writeUInt32LE(0x40, 0x3c);
  file.write('PE\0\0', 0x40, 'latin1');
  const coff = 0x44;
  file.writeUInt16LE(0x14c, coff); // i386
  file.writeUInt16LE(1, coff + 2); // one section
  file.writeUInt16LE(224, coff + 16); // optional header size
  file.writeUInt16LE(0x0102, coff + 18); // executable, 32-bit
  const opt = coff + 20;
  file.writeUInt16LE(0x10b, opt);
  file.writeUInt32LE(0x200, opt + 4); // size of code
  file.writeUInt32LE(0x1000, opt + 16); // entry point
  file.writeUInt32LE(0x1000, opt + 20); // base of code
  file.writeUInt32LE(0x1000, opt + 24); // base of data
  file.writeUInt32LE(0x400000, opt + 28); // image base
  file.writeUInt32LE(0x1000, opt + 32); // section alignment
  file.writeUInt32LE(0x200, opt + 36); // file alignment
  file.writeUInt16LE(4, opt + 40); // OS version
  file.writeUInt16LE(4, opt + 48); // subsystem version
  file.writeUInt32LE(0x2000, opt + 56); // size of image
  file.writeUInt32LE(0x200, opt + 60); // size of headers
  file.writeUInt16LE(2, opt + 68); // GUI
  file.writeUInt32LE(0x100000, opt + 72); // stack reserve
  file.writeUInt32LE(0x1000, opt + 76); // stack commit
  file.writeUInt32LE(0x100000, opt + 80); // heap reserve
  file.writeUInt32LE(0x1000, opt + 84); // heap commit
  file.writeUInt32LE(16, opt + 92); // data directories
  const section = opt + 224;
  file.write('.text', section, 'latin1');
  file.writeUInt32LE(0x200, section + 8); // virtual size
  file.writeUInt32LE(0x1000, section + 12); // virtual address
  file.writeUInt32LE(0x200, section + 16); // raw size
  file.writeUInt32LE(0x200, section + 20); // raw pointer
  file.writeUInt32LE(0x60000020, section + 36); // code, execute, read
  file[0x200] = 0xc3; // ret
  randomBytes(0x100).copy(file, 0x210);
  return file;
}

function certificate(name: string, subject: string, usage: string, issuer = 'root'): void {
  run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  writeFileSync(path(`${name}.ext`), `extendedKeyUsage=${usage}\nkeyUsage=digitalSignature\n`);
  run('openssl', [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${issuer}.pem`,
    '-CAkey',
    `${issuer}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '30',
    '-extfile',
    `${name}.ext`,
  ]);
}

function sign(signer: string, out: string): Buffer {
  // osslsigncode does not overwrite.
  rmSync(path(out), { force: true });
  run('osslsigncode', [
    'sign',
    '-certs',
    `${signer}.pem`,
    '-key',
    `${signer}.key`,
    '-n',
    'Kontor',
    '-h',
    'sha256',
    '-in',
    'app.exe',
    '-out',
    out,
  ]);
  return readFileSync(path(out));
}

let root = '';
beforeAll(() => {
  writeFileSync(path('app.exe'), minimalPe());
  run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'root.key',
    '-out',
    'root.pem',
    '-subj',
    '/CN=Kontor Test Root',
    '-days',
    '30',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  root = readFileSync(path('root.pem'), 'utf8');
  certificate('kontor', '/CN=Kontor/O=Kontor', 'codeSigning');
  certificate('other', '/CN=Someone Else/O=Else', 'codeSigning');
  certificate('tls', '/CN=Kontor/O=Kontor', 'serverAuth');
}, 60_000);

describe('the installer signature check without PowerShell', () => {
  it('accepts an installer signed by the publisher through a trusted root', () => {
    expect(verifyAuthenticode(sign('kontor', 'signed.exe'), ['Kontor'], [root])).toEqual({
      ok: true,
      publisher: 'Kontor',
    });
  });

  it('refuses another publisher, an untrusted root, a certificate not for code signing, and an expired one', () => {
    const signed = sign('kontor', 'signed.exe');
    expect(verifyAuthenticode(sign('other', 'other.exe'), ['Kontor'], [root])).toMatchObject({
      ok: false,
      reason: 'signed by Someone Else, not by Kontor',
    });
    expect(verifyAuthenticode(signed, ['Kontor'], [])).toMatchObject({ ok: false, untrustedRoot: true });
    expect(verifyAuthenticode(sign('tls', 'tls.exe'), ['Kontor'], [root])).toMatchObject({
      reason: 'the certificate is not for code signing',
    });
    const later = new Date(Date.now() + 60 * 24 * 3600 * 1000);
    expect(verifyAuthenticode(signed, ['Kontor'], [root], later)).toMatchObject({
      reason: 'the signer certificate is not valid now',
    });
  });

  it('refuses a file changed after signing, and one that is not signed or not an executable', () => {
    const tampered = Buffer.from(sign('kontor', 'signed.exe'));
    tampered[0x220] = (tampered[0x220] ?? 0) ^ 0xff;
    expect(verifyAuthenticode(tampered, ['Kontor'], [root])).toMatchObject({
      ok: false,
      reason: 'the file was changed after it was signed',
    });
    expect(verifyAuthenticode(readFileSync(path('app.exe')), ['Kontor'], [root])).toEqual({
      ok: false,
      reason: 'not signed',
    });
    expect(verifyAuthenticode(Buffer.from('#!/bin/sh\necho hi\n'), ['Kontor'], [root])).toEqual({
      ok: false,
      reason: 'not a Windows executable',
    });
    // A signature cut off in the middle.
    const cut = sign('kontor', 'signed.exe');
    expect(verifyAuthenticode(cut.subarray(0, cut.length - 200), ['Kontor'], [root])).toMatchObject({ ok: false });
  });
});

describe('the check electron-updater runs on a downloaded installer', () => {
  it('lets a trusted one run, refuses the others, and leaves a root it does not know to Windows', async () => {
    const file = path('download.exe');
    writeFileSync(file, sign('kontor', 'signed.exe'));
    expect(await installerSignatureProblem(['Kontor'], file, { roots: [root] })).toBeNull();
    writeFileSync(path('other-download.exe'), sign('other', 'other.exe'));
    expect(await installerSignatureProblem(['Kontor'], path('other-download.exe'), { roots: [root] })).toBe(
      'signed by Someone Else, not by Kontor',
    );
    // A root only Windows knows: its own check decides, and without one the installer does not run.
    expect(await installerSignatureProblem(['Kontor'], file, { roots: [], windows: async () => null })).toBeNull();
    expect(await installerSignatureProblem(['Kontor'], file, { roots: [] })).toBe(
      'the certificate does not chain to a trusted root',
    );
    expect(await installerSignatureProblem(['Kontor'], path('gone.exe'), { roots: [root] })).toMatch(/cannot be read/);
  });
});
