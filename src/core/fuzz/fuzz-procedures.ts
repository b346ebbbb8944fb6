// Every procedure of the contract, called through the router with inputs generated from its own
// schema (fast-check, KONTOR_FUZZ_RUNS each, 1,000 by default) and with hostile values in every
// field: the answer is a result (a value, or a refusal with a known code), never an internal error,
// a thrown exception or a hang; a refusal for bad input (validation) writes nothing; and afterwards
// every store passes its integrity check and the audit chain verifies.
//
// Each procedure gets an installation of its own (real encrypted SQLite files), so what one
// procedure's valid inputs change (a stricter sign-in rule, a logged-out session) does not hide
// another's behaviour. Addresses the procedures would connect to are turned to a closed port on
// this computer: the fuzzing never reaches the network.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { contract, type ProcedureName } from '../../shared/contract';
import { errorCodes, type Result } from '../../shared/errors';
import { openTestKontor, TEST_ADMIN, type TestKontor } from '../db/testing';
import { hostileInputs, inputsOf } from './arbitrary';

const RUNS = Number(process.env['KONTOR_FUZZ_RUNS'] ?? 1_000);
const SEED = Number(process.env['KONTOR_FUZZ_SEED'] ?? 20_261_208);
/** A call that takes longer has hung (generous: a busy 2-core machine, argon2 in some calls). */
const HANG_MS = 20_000;
const CONNECTION = 'test-admin';

/** A closed port on this computer: a connection attempt is refused at once. */
const CLOSED = '127.0.0.1:9';

/**
 * Addresses the call connects to (now, or later: the mail server) point to nowhere reachable: no
 * DNS lookups, no connections leave the machine. (settings.setDatabase only checks and stores its.)
 */
function tame(name: ProcedureName, input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const record = { ...(input as Record<string, unknown>) };
  if (name === 'settings.testServer' && typeof record['url'] === 'string') record['url'] = `https://${CLOSED}`;
  if (name === 'settings.setDatabase' && typeof record['url'] === 'string')
    record['url'] = `postgres://fuzz@${CLOSED}/x`;
  if (name === 'mail.setSettings' && typeof record['host'] === 'string') {
    record['host'] = '127.0.0.1';
    record['port'] = 9;
  }
  return record;
}

const names = Object.keys(contract) as ProcedureName[];
const tried = new Map<ProcedureName, { generated: number; hostile: number; ok: number; refused: number }>();

/** Rows written on the system store and the company's store so far (rolled-back ones included). */
async function changes(kontor: TestKontor): Promise<number> {
  const [system] = await kontor.stores.system.sql.rows(sql`SELECT total_changes() AS n`);
  const tenant = await kontor.currentStore().catch(() => null);
  const [company] = tenant ? await tenant.sql.rows(sql`SELECT total_changes() AS n`) : [];
  return Number(system?.['n'] ?? 0) + Number(company?.['n'] ?? 0);
}

/** Every row of the system store and the company's store, hashed. */
async function digest(kontor: TestKontor): Promise<string> {
  const hash = createHash('sha256');
  const tenant = await kontor.currentStore().catch(() => null);
  for (const store of [kontor.stores.system.sql, tenant?.sql]) {
    if (!store) continue;
    const tables = await store.column(sql`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`);
    for (const table of tables) {
      hash.update(String(table));
      // Sorted as text: some tables have no rowid to order by.
      const rows = (await store.tuples(sql.raw(`SELECT * FROM "${String(table)}"`))).map((row) =>
        JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)),
      );
      for (const row of rows.sort()) hash.update(row);
    }
  }
  return hash.digest('hex');
}

async function withinTime(name: string, call: Promise<Result<unknown>>): Promise<Result<unknown>> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${name} did not answer within ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return await Promise.race([call, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The fuzz tests of the procedures `part` picks (by their place in the contract): the contract is
 * fuzzed in two test files, so the test runner's two workers share the work.
 */
export function describeProcedureFuzz(part: (index: number) => boolean): void {
  describe('every procedure, fuzzed through the router', { timeout: 600_000 }, () => {
    afterAll(() => {
      // The figures the issue asks for: inputs tried per procedure (shown with --reporter=verbose).
      const lines = [...tried].map(
        ([name, t]) => `${name}: ${t.generated} generated + ${t.hostile} hostile (${t.ok} ok, ${t.refused} refused)`,
      );
      console.info(`fuzz inputs per procedure (seed ${SEED}):\n${lines.join('\n')}`);
    });

    for (const [index, name] of names.entries()) {
      if (!part(index)) continue;
      it(name, async () => {
        // In memory where the machine has it (a thousand companies, a thousand backups): what is
        // tested is the handling of input, not the disk's fsync.
        const kontor = await openTestKontor('sqlite', {
          cheapHashing: true,
          ...(existsSync('/dev/shm') && { under: '/dev/shm' }),
        });
        const counts = { generated: 0, hostile: 0, ok: 0, refused: 0 };
        tried.set(name, counts);
        try {
          const schema = contract[name].input;
          const generated = fc.sample(inputsOf(schema), { numRuns: RUNS, seed: SEED + index });

          // The company's first use sets it up (its projection, its keys): before the fuzzing starts.
          await kontor.call('customers.list', {});
          // What the stores held after the last call that wrote (a refused call may write and roll back).
          let known = await digest(kontor);

          async function check(input: unknown, label: string): Promise<void> {
            const before = await changes(kontor);
            const result = await withinTime(
              name,
              kontor.router.call(name, tame(name, input), { meta: { connection: CONNECTION } }),
            );
            expect(typeof result.ok, `${name} (${label}) answered no result`).toBe('boolean');
            const wrote = (await changes(kontor)) !== before;
            const previous = known;
            if (wrote) known = await digest(kontor);
            if (result.ok) {
              counts.ok += 1;
              return;
            }
            counts.refused += 1;
            expect(errorCodes, `${name} (${label}): unknown code`).toContain(result.error.code);
            expect(result.error.code, `${name} (${label}): ${result.error.message}`).not.toBe('internal');
            expect(typeof result.error.message).toBe('string');
            if (result.error.code === 'validation') {
              expect(known, `${name} (${label}) was refused as invalid but changed the stores`).toBe(previous);
            }
            // A call may end the session (auth.logout) or lock it: sign in again for the next one.
            if (result.error.code === 'unauthenticated' || result.error.code === 'locked') {
              await kontor.router.call(
                'auth.login',
                { email: TEST_ADMIN.email, password: TEST_ADMIN.password },
                {
                  meta: { connection: CONNECTION },
                },
              );
            }
          }

          for (const [i, input] of generated.entries()) {
            counts.generated += 1;
            await check(input, `generated input ${i}: ${JSON.stringify(input)?.slice(0, 300)}`);
          }
          for (const { label, input } of hostileInputs(schema, generated[0])) {
            counts.hostile += 1;
            await check(input, label);
          }
          expect(counts.generated).toBe(RUNS);

          // Nothing broke underneath: every store is whole, the audit chain holds.
          const stores = [kontor.stores.system.sql, (await kontor.currentStore().catch(() => null))?.sql].filter(
            (s) => s !== undefined,
          );
          for (const store of stores) {
            const [check] = await store.rows(sql`PRAGMA integrity_check`);
            expect(check?.['integrity_check']).toBe('ok');
          }
          expect((await kontor.audit.verify()).ok).toBe(true);
        } finally {
          await kontor.dispose();
        }
      });
    }
  });
}
