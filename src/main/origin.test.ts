import { describe, expect, it } from 'vitest';
import { allowedOrigins, isAllowedSender } from './origin';

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
