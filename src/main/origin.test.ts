import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { allowedOrigins, isAllowedSender, isTrustedSender, rendererFile } from './origin';

describe('sender origin check', () => {
  const packaged = allowedOrigins(undefined);
  const dev = allowedOrigins('http://localhost:5173/');

  it('accepts our own renderer', () => {
    expect(isAllowedSender('kontor://app/index.html#/customers', packaged)).toBe(true);
    expect(isAllowedSender('http://localhost:5173/#/settings', dev)).toBe(true);
  });

  it('refuses every other origin, scheme or host', () => {
    for (const url of [
      'https://evil.example/',
      'kontor://other/index.html',
      'file:///tmp/index.html',
      'http://localhost:5174/',
      'http://localhost:5173/',
      'about:blank',
      'not a url',
      '',
      undefined,
    ]) {
      expect(isAllowedSender(url, packaged), String(url)).toBe(false);
    }
    expect(isAllowedSender('http://127.0.0.1:5173/', dev)).toBe(false);
  });
});

describe('sender frame check', () => {
  const origins = allowedOrigins(undefined);
  const main = { url: 'kontor://app/index.html' };

  it('accepts the main frame of our renderer', () => {
    expect(isTrustedSender({ senderFrame: main, sender: { mainFrame: main } }, origins)).toBe(true);
  });

  it('refuses a sub-frame, even one at our own origin, and a missing frame', () => {
    const child = { url: 'kontor://app/index.html' };
    expect(isTrustedSender({ senderFrame: child, sender: { mainFrame: main } }, origins)).toBe(false);
    expect(isTrustedSender({ senderFrame: null, sender: { mainFrame: main } }, origins)).toBe(false);
    expect(isTrustedSender({ senderFrame: undefined, sender: { mainFrame: main } }, origins)).toBe(false);
  });

  it('refuses a main frame that navigated elsewhere', () => {
    const away = { url: 'https://evil.example/' };
    expect(isTrustedSender({ senderFrame: away, sender: { mainFrame: away } }, origins)).toBe(false);
  });
});

describe('app scheme files', () => {
  const root = join('/opt', 'kontor', 'out', 'renderer');

  it('serves files inside the renderer folder', () => {
    expect(rendererFile(root, '/index.html')).toBe(join(root, 'index.html'));
    expect(rendererFile(root, '/assets/index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'));
    expect(rendererFile(root, '/assets/a%20b.css')).toBe(join(root, 'assets', 'a b.css'));
  });

  it('refuses every way out of it, encoded or not', () => {
    for (const path of [
      '/../renderer-x/secret.txt',
      '/..%2Frenderer-x/secret.txt',
      '/%2e%2e/renderer-x/secret.txt',
      '/%2E%2E%2Frenderer-x%2Fsecret.txt',
      '/assets/..%2F..%2F..%2Fmain/index.js',
      '/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      '/%2e%2e%2f%2e%2e%2fsettings.json',
      '/..',
      '/',
      '',
      '/index.html%00.png',
      '/%E0%A4%A', // not valid percent-encoding
    ]) {
      expect(rendererFile(root, path), path).toBeNull();
    }
  });
});
