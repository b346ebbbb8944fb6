// A sample of the fuzzing over the Kontor server's HTTP API (the whole contract is fuzzed
// in-process: src/core/fuzz): every procedure with inputs generated from its schema and hostile
// values, sent as the raw JSON a client could send; and bodies no client of ours sends (not JSON,
// too large, nested too deep, the wrong type). The server answers each with its envelope and a
// 2xx or 4xx status, never a 500, and keeps answering.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract, type ProcedureName } from '../shared/contract';
import { errorCodes } from '../shared/errors';
import { openTestKontor, TEST_ADMIN, type TestKontor } from '../core/db/testing';
import { hostileValues, inputsOf } from '../core/fuzz/arbitrary';
import { httpClient, testServerApp } from './testing';

const SAMPLE = Number(process.env['KONTOR_FUZZ_HTTP_RUNS'] ?? 10);
const SEED = 20_261_208;

describe('the Kontor server under fuzzed HTTP calls', { timeout: 300_000 }, () => {
  let kontor: TestKontor;
  let app: ReturnType<typeof testServerApp>;
  let base: string;
  let token: string;
  const client = () => httpClient(base);

  beforeAll(async () => {
    kontor = await openTestKontor('postgres', { cheapHashing: true });
    app = testServerApp({ router: kontor.router, tokenKey: randomBytes(32) });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    token = await client().connect();
    const login = await client().rpc(token, 'auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
    expect(login.result.ok).toBe(true);
  });
  afterAll(async () => {
    await app.close();
    await kontor.dispose();
  });

  /** What every answer must be: an envelope with a known code, and no server error. */
  function expectAnswer(status: number, body: unknown, what: string): void {
    expect(status, what).toBeLessThan(500);
    const envelope = body as { ok?: unknown; error?: { code?: unknown } };
    expect(typeof envelope.ok, what).toBe('boolean');
    if (envelope.ok === false) expect(errorCodes, what).toContain(envelope.error?.code);
  }

  /** Values JSON can carry (the rest never reach a server as such). */
  const carried = hostileValues().filter(({ value }) => {
    try {
      return JSON.stringify(value) !== undefined && typeof value !== 'bigint';
    } catch {
      return false;
    }
  });

  it('answers generated and hostile inputs of every procedure with an envelope, never a 500', async () => {
    const names = (Object.keys(contract) as ProcedureName[]).filter((name) => name !== 'auth.logout');
    for (const [index, name] of names.entries()) {
      const inputs = [
        ...fc.sample(inputsOf(contract[name].input), { numRuns: SAMPLE, seed: SEED + index }),
        ...carried.map(({ value }) => value),
      ];
      for (const input of inputs) {
        const answer = await client().rpc(token, name, input);
        expectAnswer(answer.status, answer.result, `${name}: ${JSON.stringify(input)?.slice(0, 200)}`);
      }
    }
    // Still signed in and answering.
    expect((await client().rpc(token, 'auth.status', {})).result).toMatchObject({ ok: true });
  });

  it('refuses bodies no client sends: not JSON, too large, too deep, another type', async () => {
    const send = async (body: string, contentType = 'application/json') => {
      const response = await fetch(`${base}/v1/rpc/customers.create`, {
        method: 'POST',
        headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
        body,
      });
      const text = await response.text();
      return { status: response.status, text };
    };
    const cases: [string, string, string?][] = [
      ['not JSON', '{"name": '],
      ['a 2 MiB body', JSON.stringify({ name: 'x'.repeat(2 << 20) })],
      ['nested 100,000 deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
      ['a prototype key', '{"__proto__": {"isAdmin": true}, "name": "Proto GmbH"}'],
      ['text instead of JSON', 'name=x', 'text/plain'],
      ['an empty body', ''],
      ['a lone surrogate escaped', '{"name": "\\ud800"}'],
      ['NUL bytes', '{"name": "a\\u0000b"}'],
    ];
    for (const [what, body, type] of cases) {
      const { status, text } = await send(body, type);
      expect(status, what).toBeLessThan(500);
      expect(status, what).toBeGreaterThanOrEqual(200);
      // The answer is an envelope wherever the router got the call; Fastify's own refusals are JSON too.
      expect(() => JSON.parse(text) as unknown, what).not.toThrow();
    }
    expect((await client().rpc(token, 'auth.status', {})).result).toMatchObject({ ok: true });
  });
});
