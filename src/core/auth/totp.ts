// TOTP (RFC 6238) through otplib, with what otplib leaves to us: a code is accepted within one
// time step either side, and only once (its step must be later than the last accepted one).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box';
import { generate, generateSecret, generateURI } from 'otplib';
import QRCode from 'qrcode';

export const TOTP_PERIOD = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

export async function totpEnrolment(secret: string, account: string): Promise<{ uri: string; qrSvg: string }> {
  const uri = generateURI({ issuer: 'Kontor', label: account, secret });
  const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { uri, qrSvg };
}

export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD);
}

/** The step whose code matches, if it is within ±1 step of now and after `lastStep`; else null. */
export async function matchTotp(
  secret: string,
  code: string,
  now: Date,
  lastStep: number | null,
): Promise<number | null> {
  const current = totpStep(now);
  for (const step of [current - 1, current, current + 1]) {
    if (lastStep !== null && step <= lastStep) continue;
    const expected = await generate({ secret, epoch: step * TOTP_PERIOD });
    if (expected.length === code.length && timingSafeEqual(Buffer.from(expected), Buffer.from(code))) return step;
  }
  return null;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten codes like `k7m2p-x9q4t` (about 49 bits each); stored only as hashes. */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

const normalised = (code: string) => code.trim().toLowerCase();

/** Stored form of a recovery code: an HMAC under the installation's key, bound to the user. */
export function hashRecoveryCode(secrets: SecretBox, userId: string, code: string): string {
  return secrets.mac(`recovery:${userId}`, normalised(code));
}

/** How codes were stored before (plain SHA-256); still accepted once each, at their next use. */
export function legacyRecoveryCodeHash(code: string): string {
  return createHash('sha256').update(normalised(code)).digest('hex');
}
