// Inputs for every procedure, generated from its contract schema: zod turns the schema into JSON
// Schema (z.toJSONSchema, the input side), and this turns JSON Schema into fast-check arbitraries.
// JSON Schema rather than zod's internals: a documented format that does not change with zod's
// minor versions. What JSON Schema cannot say (a refinement, a transform) is not generated, and
// the router then answers `validation`, which the fuzz tests accept as well.
//
// And the hostile values every way in must survive: huge strings, deep nesting, prototype keys,
// wrong types, NaN and Infinity, lone surrogates, control characters.
import fc from 'fast-check';
import { z } from 'zod';

/** The parts of JSON Schema that zod's conversion of the contract produces. */
interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly prefixItems?: readonly JsonSchema[];
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly default?: unknown;
}

const ISO_MIN = new Date('1900-01-01T00:00:00Z');
const ISO_MAX = new Date('2199-12-31T23:59:59Z');

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength;
  const fits = (s: string) => s.length >= min && (max === undefined || s.length <= max);
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress().filter((s) => fits(s) && (!schema.pattern || new RegExp(schema.pattern).test(s)));
    case 'date-time':
      return fc.date({ min: ISO_MIN, max: ISO_MAX, noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ min: ISO_MIN, max: ISO_MAX, noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    default:
      break;
  }
  if (schema.pattern) {
    // A pattern may allow longer strings than maxLength: those are left out (and the rest kept).
    return fc.stringMatching(new RegExp(schema.pattern, 'u')).filter(fits);
  }
  return fc.string({
    unit: 'grapheme',
    minLength: min,
    ...(max !== undefined && { maxLength: Math.min(max, min + 60) }),
  });
}

function numberOf(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min =
    schema.minimum ??
    (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 1e-9) : undefined);
  const max =
    schema.maximum ??
    (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 1e-9) : undefined);
  if (integer) {
    return fc.integer({
      min: Math.max(min ?? -1_000_000_000, Number.MIN_SAFE_INTEGER),
      max: Math.min(max ?? 1_000_000_000, Number.MAX_SAFE_INTEGER),
    });
  }
  return fc.double({ min: min ?? -1e12, max: max ?? 1e12, noNaN: true, noDefaultInfinity: true });
}

function objectOf(schema: JsonSchema, root: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, value] of Object.entries(properties)) record[key] = arbitraryOf(value, root);
  const shaped = fc.record(record, { requiredKeys: [...required] as never[] }) as fc.Arbitrary<Record<string, unknown>>;
  if (Object.keys(properties).length === 0 && typeof schema.additionalProperties === 'object') {
    // A record: keys of its own, values of the given schema.
    return fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), arbitraryOf(schema.additionalProperties, root), {
      maxKeys: 5,
    });
  }
  return shaped;
}

/** An arbitrary of the values the schema accepts (as far as JSON Schema says). */
export function arbitraryOf(schema: JsonSchema, root: JsonSchema = schema): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/\$defs\//, '');
    const target = schema.$ref === '#' ? root : root.$defs?.[name];
    if (!target) return fc.constant(null);
    // Recursive definitions: fast-check's depth control keeps them finite.
    return fc.constant(null).chain(() => arbitraryOf(target, root));
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((c) => arbitraryOf(c, root)));
  if (schema.allOf && schema.allOf[0]) return arbitraryOf(schema.allOf[0], root);
  const types: readonly string[] = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
  if (types.length > 1) return fc.oneof(...types.map((type) => arbitraryOf({ ...schema, type }, root)));
  switch (types[0]) {
    case 'string':
      return stringOf(schema);
    case 'integer':
      return numberOf(schema, true);
    case 'number':
      return numberOf(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (schema.prefixItems) return fc.tuple(...schema.prefixItems.map((item) => arbitraryOf(item, root)));
      const item = schema.items ? arbitraryOf(schema.items, root) : fc.anything();
      const minLength = schema.minItems ?? 0;
      return fc.array(item, { minLength, maxLength: Math.min(schema.maxItems ?? minLength + 5, minLength + 5) });
    }
    case 'object':
      return objectOf(schema, root);
    default:
      // No type: anything JSON can carry.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** The arbitrary of a zod schema's inputs. */
export function inputsOf(schema: z.ZodType): fc.Arbitrary<unknown> {
  return arbitraryOf(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
}

/** Nested `depth` levels deep, built without recursion (a recursive builder would overflow first). */
function deep(depth: number, leaf: unknown, arrays: boolean): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
}

/** Values no schema accepts where a string, number or object is expected, and that break naive code. */
export function hostileValues(): { readonly label: string; readonly value: unknown }[] {
  const proto = JSON.parse(
    '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
  ) as unknown;
  return [
    { label: 'null', value: null },
    { label: 'undefined', value: undefined },
    { label: 'NaN', value: Number.NaN },
    { label: 'Infinity', value: Number.POSITIVE_INFINITY },
    { label: '-Infinity', value: Number.NEGATIVE_INFINITY },
    { label: '-0', value: -0 },
    { label: 'a huge number', value: 1e308 },
    { label: 'an unsafe integer', value: 2 ** 60 },
    { label: 'a bigint', value: 2n ** 70n },
    { label: 'true', value: true },
    { label: 'an empty string', value: '' },
    { label: 'a 1 MiB string', value: 'x'.repeat(1 << 20) },
    { label: 'a 16 MiB string', value: 'ä'.repeat(8 << 20) },
    { label: 'a lone high surrogate', value: 'Müller \uD800 GmbH' },
    { label: 'a lone low surrogate', value: '\uDC00' },
    { label: 'control characters', value: 'a\u0000b\u0007c\u001b[31md\r\ne\u2028f\u202Eg' },
    { label: 'only whitespace', value: ' \t\n ' },
    { label: 'SQL', value: "'; DROP TABLE customers; --" },
    { label: 'a path', value: '../../../../etc/passwd' },
    { label: 'an array of 100,000 items', value: Array.from({ length: 100_000 }, (_, i) => i) },
    { label: 'an empty array', value: [] },
    { label: 'an empty object', value: {} },
    { label: 'objects 10,000 deep', value: deep(10_000, 'x', false) },
    { label: 'arrays 10,000 deep', value: deep(10_000, 'x', true) },
    { label: '__proto__ and constructor keys', value: proto },
    { label: 'a date object', value: new Date(0) },
    { label: 'a map', value: new Map([['a', 1]]) },
    { label: 'bytes', value: new Uint8Array([0, 255, 1]) },
  ];
}

/**
 * Inputs that replace one field of a valid-shaped input with a hostile value (each field, each
 * value), add unknown keys, or are no object at all.
 */
export function hostileInputs(
  schema: z.ZodType,
  sample: unknown,
): { readonly label: string; readonly input: unknown }[] {
  const values = hostileValues();
  const inputs: { label: string; input: unknown }[] = values.map(({ label, value }) => ({ label, input: value }));
  const base =
    sample !== null && typeof sample === 'object' && !Array.isArray(sample) ? (sample as Record<string, unknown>) : {};
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const fields = Object.keys(json.properties ?? {});
  for (const field of fields) {
    for (const { label, value } of values)
      inputs.push({ label: `${field}: ${label}`, input: { ...base, [field]: value } });
  }
  const polluted = JSON.parse('{"__proto__": {"isAdmin": true}}') as Record<string, unknown>;
  inputs.push(
    { label: 'an own __proto__ key', input: Object.assign(polluted, base) },
    { label: 'an unknown key', input: { ...base, unknownKey: 'x' } },
    { label: 'constructor key', input: { ...base, constructor: { prototype: { isAdmin: true } } } },
  );
  return inputs;
}
