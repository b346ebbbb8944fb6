import { describe, expect, it } from 'vitest';
import { contract, grants, procedureNames } from './index';

describe('contract', () => {
  it('lists exactly the contract procedures for the preload', () => {
    expect([...procedureNames].sort()).toEqual(Object.keys(contract).sort());
  });

  it('names every procedure area.verb', () => {
    for (const name of Object.keys(contract)) expect(name).toMatch(/^[a-z]+\.[a-z][A-Za-z]*$/);
  });

  it('requires a declared permission or says public', () => {
    for (const def of Object.values(contract))
      expect(['anonymous', 'authenticated', ...grants]).toContain(def.permission);
  });

  it('accepts a customer with only a name and rejects a bad email', () => {
    const create = contract['customers.create'].input;
    expect(create.safeParse({ name: 'Ada Lovelace' }).success).toBe(true);
    expect(create.safeParse({ name: 'Ada', email: 'ada@' }).success).toBe(false);
    expect(create.safeParse({ name: '   ' }).success).toBe(false);
  });

  it('rejects an update that changes nothing', () => {
    const update = contract['customers.update'].input;
    expect(update.safeParse({ id: '0190b6a4-7c2e-7000-8000-000000000000', changes: {} }).success).toBe(false);
  });
});
