// Errors that cross a boundary (IPC, HTTP, CLI). Electron does not carry thrown errors intact,
// so every procedure answers with a Result envelope whose error has one of these codes.
import { z } from 'zod';

export const errorCodes = [
  'validation',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'locked',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** One broken rule on one field; `rule` is stable and translated by the renderer. */
export const fieldIssueSchema = z.object({
  path: z.string(),
  rule: z.string(),
  message: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

export const errorDetailsSchema = z.object({ issues: z.array(fieldIssueSchema).optional() }).catchall(z.unknown());
export type ErrorDetails = z.infer<typeof errorDetailsSchema>;

export const appErrorShapeSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: errorDetailsSchema.optional(),
});
export type AppErrorShape = z.infer<typeof appErrorShapeSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
    /**
     * What only the log (and the local admin CLI) may see: file paths, host names, driver
     * messages. Never part of the shape that crosses a boundary.
     */
    readonly internal?: string,
  ) {
    super(message);
  }

  toShape(): AppErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromShape(shape: AppErrorShape): AppError {
    return new AppError(shape.code, shape.message, shape.details);
  }
}

/** Turns zod's issues into field issues with a stable rule name the UI can translate. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue): FieldIssue => {
    const path = issue.path.map(String).join('.');
    const base = { path, message: issue.message };
    switch (issue.code) {
      case 'too_small':
        if (issue.origin === 'string' && Number(issue.minimum) === 1) return { ...base, rule: 'required' };
        return { ...base, rule: 'min', params: { min: Number(issue.minimum) } };
      case 'too_big':
        return { ...base, rule: 'max', params: { max: Number(issue.maximum) } };
      case 'invalid_format':
        return { ...base, rule: issue.format };
      case 'invalid_type':
        return { ...base, rule: issue.input === undefined ? 'required' : 'type', params: { expected: issue.expected } };
      case 'unrecognized_keys':
        return { ...base, rule: 'unknown_field', params: { keys: issue.keys.join(', ') } };
      case 'invalid_value':
        return { ...base, rule: 'one_of', params: { values: issue.values.map(String).join(', ') } };
      case 'custom': {
        // A schema's own check names its rule (shared/identifiers.ts: vat_id, iban, …).
        const rule: unknown = issue.params?.['rule'];
        return { ...base, rule: typeof rule === 'string' ? rule : 'custom' };
      }
      default:
        return { ...base, rule: issue.code };
    }
  });
}

export function validationError(error: z.ZodError, what: string): AppError {
  const issues = toFieldIssues(error);
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return new AppError('validation', `invalid ${what}: ${summary}`, { issues });
}

/** Long work stopped by its caller (Ctrl+C, a Cancel button): a conflict that changed nothing. */
export function throwIfCancelled(signal: AbortSignal | undefined, message: string): void {
  if (signal?.aborted) throw new AppError('conflict', message, { reason: 'cancelled' });
}

export function isCancelled(error: unknown): boolean {
  return error instanceof AppError && error.details?.['reason'] === 'cancelled';
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
