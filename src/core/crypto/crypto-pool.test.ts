// The crypto pool runs the same AES-256-GCM as aead.ts, on worker threads and on the calling
// thread: what one seals the other opens, a wrapped key opens through its wrapping key, and a
// changed value, a wrong key or wrong associated data fails only the item it concerns.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { encrypt, openText, sealText } from './aead';
import { createCryptoPool, type CryptoOutcome } from './crypto-pool';
import { openJsonMany, sealJsonMany, type DataKey } from './keyring';

const pool = createCryptoPool(1);
afterAll(() => pool.close());

const value = (outcome: CryptoOutcome | undefined) => (outcome?.ok ? outcome.value : `failed: ${outcome?.error}`);

describe('crypto pool', () => {
  it('seals what aead opens and opens what aead sealed, on a worker and here (batches above and below the worker size)', async () => {
    for (const count of [3, 500]) {
      const keys = Array.from({ length: count }, () => randomBytes(32));
      const plain = keys.map((_, i) => `Kundin ${i} – Müller`);
      for (const here of [false, true]) {
        const sealed = await pool.seal({
          items: keys.map((key, i) => ({ key, aad: `s:${i}`, value: plain[i] ?? '' })),
          here,
        });
        expect(sealed.map((s, i) => openText(keys[i] ?? Buffer.alloc(32), `s:${i}`, value(s)))).toEqual(plain);
        const theirs = keys.map((key, i) => sealText(key, `s:${i}`, plain[i] ?? ''));
        const opened = await pool.open({
          items: keys.map((key, i) => ({ key, aad: `s:${i}`, value: theirs[i] ?? '' })),
          here,
        });
        expect(opened.map(value)).toEqual(plain);
      }
    }
    // The large batches really ran on the worker thread, none was taken back.
    expect(pool.stats.worker).toBeGreaterThan(0);
    expect(pool.stats.takenBack).toBe(0);
  });

  it('unwraps keys with the wrapping key, and fails only the items that do not authenticate', async () => {
    const kek = randomBytes(32);
    const keys = Array.from({ length: 100 }, () => randomBytes(32));
    const wrapped = keys.map((key, i) => encrypt(kek, key, `k:${i}`).toString('base64'));
    const sealed = keys.map((key, i) => sealText(key, `v:${i}`, `Wert ${i}`));
    const tampered = Buffer.from(sealed[7] ?? '', 'base64');
    tampered[20] = (tampered[20] ?? 0) ^ 1;
    sealed[7] = tampered.toString('base64');
    const items = keys.map((_, i) => ({
      key: { wrapped: wrapped[i] ?? '', aad: i === 9 ? 'k:wrong' : `k:${i}` },
      aad: i === 8 ? 'v:wrong' : `v:${i}`,
      value: sealed[i] ?? '',
    }));
    const opened = await pool.open({ items, wrapping: kek });
    expect(opened.filter((o) => !o.ok).length).toBe(3);
    for (const i of [7, 8, 9]) expect(opened[i]?.ok, `item ${i}`).toBe(false);
    expect(value(opened[10])).toBe('Wert 10');
    await expect(pool.open({ items, wrapping: undefined })).rejects.toThrow(/wrapping key/);
  });

  it('takes a batch back to the calling thread when its worker ends, and stays there', async () => {
    const own = createCryptoPool(1);
    const keys = Array.from({ length: 200 }, () => randomBytes(32));
    const items = keys.map((key, i) => ({ key, aad: `a:${i}`, value: `Wert ${i}` }));
    await own.seal({ items });
    expect(own.stats.worker).toBe(1);
    // In flight when the worker ends: large enough (≈ 0.1 s of work) that the worker cannot finish
    // it before it is stopped, however the threads are scheduled.
    const many = Array.from({ length: 20_000 }, (_, i) => items[i % items.length] ?? items[0]!);
    const sealing = own.seal({ items: many });
    await own.close();
    const sealed = await sealing;
    expect(
      sealed.map((s, i) => openText(keys[i % keys.length] ?? Buffer.alloc(32), `a:${i % keys.length}`, value(s))),
    ).toEqual(many.map((item) => item.value));
    expect(own.stats.takenBack + own.stats.here).toBeGreaterThan(0);
    await own.seal({ items });
    expect(own.stats.worker).toBe(2);
  });

  it('seals and opens sealed JSON of many subjects (sealJsonMany / openJsonMany) in the layout openJson reads', async () => {
    const keys: DataKey[] = Array.from({ length: 300 }, (_, i) => ({
      tenantId: 't',
      subject: `customer:${i}`,
      id: `key-${i}`,
      key: randomBytes(32),
    }));
    const values = keys.map((_, i) => ({ name: `Kunde ${i}`, city: i % 2 ? 'Kiel' : null }));
    const sealed = await sealJsonMany(keys.map((key, i) => ({ key, aad: key.subject, value: values[i] })));
    expect(sealed[0]).toMatch(/^e1:key-0:/);
    expect(await openJsonMany(keys.map((key, i) => ({ key, aad: key.subject, sealed: sealed[i] ?? '' })))).toEqual(
      values,
    );
    const swapped = keys.map((key, i) => ({ key, aad: key.subject, sealed: sealed[(i + 1) % keys.length] ?? '' }));
    await expect(openJsonMany(swapped)).rejects.toThrow(/another data key/);
  });
});
