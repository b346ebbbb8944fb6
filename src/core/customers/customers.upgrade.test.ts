// Stores from before field encryption: their plain customer events are sealed in place, once,
// and replay reads them back; on every dialect.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../shared/contract';
import { createKeyring } from '../crypto/keyring';
import { memoryKeyStore, openTestKontor, testDialects, type TestKontor, value } from '../db/testing';
import { systemClock, uuidv7, uuidv7Source } from '../deps';
import { keyNames } from '../keys/keystore';
import { sealPlainCustomerEvents } from './customers.upgrade';

describe.each(testDialects)('plain customer events from before encryption on %s', (dialect) => {
  let kontor: TestKontor;
  const keyStore = memoryKeyStore();

  beforeAll(async () => {
    kontor = await openTestKontor(dialect, { keyStore });
  });
  afterAll(async () => kontor.dispose());

  it('seals them in place and replays them into the same customer', async () => {
    const store = await kontor.currentStore();
    const events = store.sql.table('events');
    const id = uuidv7();
    const meta = JSON.stringify({
      userId: null,
      deviceId: 'old-device',
      hlc: '0000000000001-0000-old',
      correlationId: uuidv7(),
      causationId: null,
      at: '2025-06-01T10:00:00.000Z',
    });
    const v1 = [
      [
        'customer.created',
        { name: 'Olga Oldformat', email: 'olga@example.org', phone: null, city: 'Halle', notes: null },
      ],
      ['customer.updated', { changes: { city: 'Dessau' } }],
    ] as const;
    for (const [i, [type, data]] of v1.entries()) {
      await store.sql.run(sql`INSERT INTO ${events} (id, stream, version, type, schema_version, data, meta)
        VALUES (${uuidv7()}, ${`customer-${id}`}, ${i + 1}, ${type}, 1, ${JSON.stringify(data)}, ${meta})`);
    }

    const master = await keyStore.getKey(keyNames.fieldMaster);
    if (!master) throw new Error('no master key');
    const keyring = createKeyring({
      db: store.sql,
      tenantId: store.tenantId,
      master,
      clock: systemClock,
      ids: uuidv7Source(systemClock),
    });
    expect(await sealPlainCustomerEvents(store.sql, keyring)).toBe(2);
    expect(await sealPlainCustomerEvents(store.sql, keyring)).toBe(0);

    const stored = await store.sql.rows(
      sql`SELECT schema_version, data FROM ${events} WHERE stream = ${`customer-${id}`} ORDER BY version`,
    );
    expect(stored.map((r) => Number(r['schema_version']))).toEqual([3, 3]);
    expect(JSON.stringify(stored)).not.toMatch(/Olga|olga@|Halle|Dessau/);

    // The company opens here for the first time: its projection is rebuilt in today's shape, and
    // the customer from before numbers gets one (an event of its own).
    value(await kontor.call('events.replay'));
    expect(value<Customer>(await kontor.call('customers.get', { id }))).toMatchObject({
      number: 'K-00001',
      name: 'Olga Oldformat',
      email: 'olga@example.org',
      city: 'Dessau',
      version: 3,
    });
    const next = value<Customer>(await kontor.call('customers.create', { name: 'Neu' }));
    expect(next.number).toBe('K-00002');
  });
});
