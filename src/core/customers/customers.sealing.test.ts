// What a sealed customer payload is bound to: moved to another event type, stream, company or
// schema version, it does not open; a plain payload where a sealed one belongs is refused.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DataKey } from '../crypto/keyring';
import type { StoredEvent } from '../events/event-store';
import { created, customerStream, decode, sealedLegacy, updated } from './customers.events';
import { DEFAULT_PLAIN, EMPTY_PERSONAL, fromLegacy } from './customers.record';

const id = '0190b6a4-7c2e-7000-8000-00000000abcd';
const key: DataKey = { tenantId: 'tenant-a', subject: `customer:${id}`, id: 'dk-1', key: randomBytes(32) };
const legacy = { name: 'Ada Lovelace', email: 'ada@example.org', phone: null, city: 'London', notes: null };
const personal = { ...EMPTY_PERSONAL, ...fromLegacy(legacy) };
const fields = { number: 'K-00001', status: 'active' as const, plain: DEFAULT_PLAIN, personal };

function stored(event: { type: string; schemaVersion: number; data: unknown }, overrides: Partial<StoredEvent> = {}) {
  return {
    position: 1,
    id: 'e-1',
    stream: customerStream(id),
    version: 1,
    meta: {
      userId: null,
      deviceId: 'd',
      hlc: 'h',
      correlationId: 'c',
      causationId: null,
      at: '2026-01-01T00:00:00.000Z',
    },
    ...event,
    ...overrides,
  };
}

describe('sealed customer payloads', () => {
  it('open where they were written', () => {
    expect(decode(stored(created(key, fields)), key)).toEqual({ kind: 'created', ...fields });
    expect(decode(stored(updated(key, { currency: 'CHF' }, { email: 'ada@example.com' })), key)).toEqual({
      kind: 'updated',
      plain: { currency: 'CHF' },
      personal: { email: 'ada@example.com' },
    });
    // Sealed legacy content (version 3) reads in today's shape.
    expect(decode(stored(sealedLegacy(key, 'customer.updated', { city: 'Paris' })), key)).toEqual({
      kind: 'updated',
      plain: {},
      personal: { billingAddress: { street: null, postalCode: null, city: 'Paris', country: null } },
    });
  });

  it('do not open in another event type, stream, company or schema version', () => {
    const event = created(key, fields);
    const moved: [string, StoredEvent, DataKey][] = [
      ['type', stored({ ...event, type: 'customer.updated' }), key],
      ['stream', stored(event, { stream: customerStream('0190b6a4-7c2e-7000-8000-00000000ffff') }), key],
      ['company', stored(event), { ...key, tenantId: 'tenant-b' }],
      ['schema version', stored({ ...event, schemaVersion: 2 }), key],
    ];
    for (const [what, candidate, withKey] of moved) expect(() => decode(candidate, withKey), what).toThrow();
  });

  it('refuses plain personal data in a version that must be sealed', () => {
    for (const schemaVersion of [2, 3]) {
      const plain = stored({ type: 'customer.created', schemaVersion, data: { personal: { plain: legacy } } });
      expect(() => decode(plain, key), `version ${schemaVersion}`).toThrow(/must be sealed/);
    }
    // Version 1 was written in plain text and still reads.
    const old = stored({ type: 'customer.created', schemaVersion: 1, data: legacy });
    expect(decode(old, null)).toEqual({
      kind: 'created',
      number: '',
      status: 'active',
      plain: DEFAULT_PLAIN,
      personal,
    });
  });
});
