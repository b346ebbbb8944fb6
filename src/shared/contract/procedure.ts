// The shape of one procedure in the IPC contract: its input, its output and who may call it.
import type { z } from 'zod';
import type { Grant } from './permissions';

/**
 * 'anonymous': no sign-in needed (login, first-run setup, app status).
 * 'authenticated': any signed-in user, for their own account.
 * A permission: a signed-in user whose role in the current tenant grants it.
 * 'installation.manage': a signed-in installation administrator.
 */
export type Requirement = Grant | 'authenticated' | 'anonymous';

export interface ProcedureDef<
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
  P extends Requirement = Requirement,
> {
  readonly input: I;
  readonly output: O;
  readonly permission: P;
  /** One line for people: shown by `kontor --help` and in the docs. */
  readonly summary: string;
  /** Callable while the session is idle-locked (status, unlock, logout). */
  readonly whileLocked?: true;
  /** Callable while the user must first change the password or enrol 2FA. */
  readonly beforeAccountReady?: true;
  /** Does not count as activity for the idle timeout (status polling). */
  readonly passive?: true;
}

export function procedure<I extends z.ZodType, O extends z.ZodType, P extends Requirement>(
  def: ProcedureDef<I, O, P>,
): ProcedureDef<I, O, P> {
  return def;
}
