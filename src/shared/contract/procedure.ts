// The shape of one procedure in the IPC contract: its input, its output and the permission it needs.
import type { z } from 'zod';
import type { Permission } from './permissions';

/** 'public' procedures still run with a session; they just need no permission. */
export type Requirement = Permission | 'public';

export interface ProcedureDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly permission: Requirement;
  /** One line for people: shown by `kontor --help` and in the docs. */
  readonly summary: string;
}

export function procedure<I extends z.ZodType, O extends z.ZodType>(def: ProcedureDef<I, O>): ProcedureDef<I, O> {
  return def;
}
