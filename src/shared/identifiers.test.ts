// Validation tables for the identifiers of a customer record: valid and invalid VAT IDs, IBANs,
// BICs and phone numbers of several countries, their canonical forms, and the field error a form
// and the main process show for a bad one.
import { describe, expect, it } from 'vitest';
import { toFieldIssues } from './errors';
import {
  bicSchema,
  checkBic,
  checkIban,
  checkPhone,
  checkVatId,
  IDENTIFIER_RULES,
  ibanSchema,
  phoneSchema,
  printIban,
  printPhone,
  vatIdSchema,
} from './identifiers';

describe('VAT IDs (offline: format and check digits)', () => {
  it.each([
    ['DE136695976', 'DE136695976', 'DE'],
    ['de 136 695 976', 'DE136695976', 'DE'],
    ['ATU13585627', 'ATU13585627', 'AT'],
    ['FR40303265045', 'FR40303265045', 'FR'],
    ['IT00743110157', 'IT00743110157', 'IT'],
    ['NL004495445B01', 'NL004495445B01', 'NL'],
    ['PL526-025-02-74', 'PL5260250274', 'PL'],
    ['BE0403.170.701', 'BE0403170701', 'BE'],
    ['ESA28015865', 'ESA28015865', 'ES'],
    ['EL094259216', 'EL094259216', 'GR'],
  ])('accepts %s as %s (%s)', (input, id, country) => {
    expect(checkVatId(input)).toEqual({ ok: true, value: { id, country } });
  });

  it.each(['DE136695977', 'ATU13585628', 'FR40303265046', 'IT00743110158', 'DE12345', 'XX123456789', '', '   '])(
    'refuses %j',
    (input) => {
      expect(checkVatId(input)).toEqual({ ok: false });
    },
  );
});

describe('IBAN and BIC', () => {
  it.each([
    ['DE89370400440532013000', 'DE'],
    ['de89 3704 0044 0532 0130 00', 'DE'],
    ['GB29NWBK60161331926819', 'GB'],
    ['FR1420041010050500013M02606', 'FR'],
    ['NL91ABNA0417164300', 'NL'],
    ['AT611904300234573201', 'AT'],
    ['CH9300762011623852957', 'CH'],
    ['IT60X0542811101000000123456', 'IT'],
    ['ES9121000418450200051332', 'ES'],
    ['PL61109010140000071219812874', 'PL'],
  ])('accepts the IBAN %s (%s) in electronic format', (input, country) => {
    const checked = checkIban(input);
    expect(checked).toEqual({ ok: true, value: { iban: input.replace(/\s/g, '').toUpperCase(), country } });
  });

  it.each(['DE89370400440532013001', 'GB29NWBK60161331926818', 'NL91ABNA041716430', 'XX00123', ''])(
    'refuses the IBAN %j',
    (input) => {
      expect(checkIban(input)).toEqual({ ok: false });
    },
  );

  it('prints an IBAN in groups of four', () => {
    expect(printIban('DE89370400440532013000')).toBe('DE89 3704 0044 0532 0130 00');
  });

  it('accepts BICs of 8 and 11 characters with a real country, and nothing else', () => {
    expect(checkBic('COBADEFFXXX')).toEqual({ ok: true, value: 'COBADEFFXXX' });
    expect(checkBic('deutdeff')).toEqual({ ok: true, value: 'DEUTDEFF' });
    expect(checkBic('COBAXXFF')).toEqual({ ok: false });
    expect(checkBic('COBADEF')).toEqual({ ok: false });
  });
});

describe('phone numbers (E.164, full numbering plans)', () => {
  it.each([
    ['030 12345678', 'DE', '+493012345678'],
    ['+49 30 12345678', 'FR', '+493012345678'],
    ['01 42 68 53 00', 'FR', '+33142685300'],
    ['020 7946 0018', 'GB', '+442079460018'],
    ['(202) 456-1111', 'US', '+12024561111'],
    ['01 58800', 'AT', '+43158800'],
    ['044 668 18 00', 'CH', '+41446681800'],
    ['020 123 4567', 'NL', '+31201234567'],
    ['06 6982 1234', 'IT', '+390669821234'],
    ['912 345 678', 'ES', '+34912345678'],
  ])('reads %s in %s as %s', (input, country, e164) => {
    expect(checkPhone(input, country)).toEqual({ ok: true, value: e164 });
  });

  it.each([
    ['12', 'DE'],
    ['030 1', 'DE'],
    ['0000 000000', 'DE'],
    ['abc', 'DE'],
    ['', 'DE'],
  ])('refuses %j in %s', (input, country) => {
    expect(checkPhone(input, country)).toEqual({ ok: false });
  });

  it('shows a number nationally at home and internationally abroad', () => {
    expect(printPhone('+49301234567', 'DE')).toBe('030 1234567');
    expect(printPhone('+49301234567', 'AT')).toBe('+49 30 1234567');
  });
});

describe('identifier fields in a contract', () => {
  it('turns valid input into the canonical form', () => {
    expect(vatIdSchema.parse(' de 136 695 976 ')).toEqual({ id: 'DE136695976', country: 'DE' });
    expect(ibanSchema.parse('DE89 3704 0044 0532 0130 00').iban).toBe('DE89370400440532013000');
    expect(bicSchema.parse('cobadeffxxx')).toBe('COBADEFFXXX');
    expect(phoneSchema('DE').parse('030 12345678')).toBe('+493012345678');
  });

  it('names the rule of a bad value (locales.test.ts checks its sentences)', () => {
    const rules = [vatIdSchema, ibanSchema, bicSchema, phoneSchema('DE')].map((schema) => {
      const parsed = schema.safeParse('12345');
      if (parsed.success) throw new Error('expected a failure');
      return toFieldIssues(parsed.error)[0]?.rule;
    });
    expect(rules).toEqual([...IDENTIFIER_RULES]);
    // An empty field is "required", not a bad identifier.
    const empty = vatIdSchema.safeParse('  ');
    expect(empty.success ? null : toFieldIssues(empty.error)[0]?.rule).toBe('required');
  });
});
