// Event types, declared once with a zod schema per version. Events are stored with the version
// they were written in; reading upcasts old versions step by step to the current one.
import type { z } from 'zod';

export interface EventType<T extends string, S extends z.ZodType> {
  readonly type: T;
  /** The current schema version: new events are written in it. */
  readonly version: number;
  readonly schema: S;
  /** upcasters[v] turns data of version v into version v + 1. */
  readonly upcasters: Readonly<Record<number, (data: unknown) => unknown>>;
}

export function defineEvent<T extends string, S extends z.ZodType>(
  type: T,
  version: number,
  schema: S,
  upcasters: Record<number, (data: unknown) => unknown> = {},
): EventType<T, S> {
  for (let v = 1; v < version; v++) {
    if (!upcasters[v]) throw new Error(`event ${type}: no upcaster from version ${v} to ${v + 1}`);
  }
  return { type, version, schema, upcasters };
}

/** Brings stored data of `fromVersion` up to the type's current version and checks it. */
export function upcast<S extends z.ZodType>(
  def: EventType<string, S>,
  fromVersion: number,
  data: unknown,
): z.output<S> {
  if (fromVersion > def.version)
    throw new Error(`event ${def.type}: version ${fromVersion} is newer than this program knows`);
  let current = data;
  for (let v = fromVersion; v < def.version; v++) {
    const step = def.upcasters[v];
    if (!step) throw new Error(`event ${def.type}: no upcaster from version ${v}`);
    current = step(current);
  }
  return def.schema.parse(current);
}
