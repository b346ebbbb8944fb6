// Field errors in the UI language, the same whether the form's own check found them before sending
// or the main process returned them: both come from the contract's zod schema as rule + params.
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { toFieldIssues, type AppError, type FieldIssue } from '../../../shared/errors';

/** The form field an issue's path names: by default its last part (`changes.email` → `email`). */
export type FieldOf = (path: string) => string;
const lastPart: FieldOf = (path) => path.split('.').at(-1) ?? '';

export function issueErrors(
  issues: readonly FieldIssue[],
  t: TFunction,
  fieldOf: FieldOf = lastPart,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const field = fieldOf(issue.path);
    if (out[field] !== undefined) continue;
    out[field] = t(`errors.${issue.rule}` as 'errors.required', { ...issue.params, defaultValue: issue.message });
  }
  return out;
}

export function fieldErrors(error: AppError, t: TFunction, fieldOf?: FieldOf): Record<string, string> {
  return issueErrors(error.details?.issues ?? [], t, fieldOf);
}

/**
 * A form validator from the procedure's own input schema: the form shows the errors the main
 * process would return, before sending. The main process stays the authority.
 */
export function contractValidator<V>(
  schema: z.ZodType,
  toInput: (values: V) => unknown,
  t: TFunction,
  fieldOf?: FieldOf,
) {
  return (values: V): Record<string, string> => {
    const parsed = schema.safeParse(toInput(values));
    return parsed.success ? {} : issueErrors(toFieldIssues(parsed.error), t, fieldOf);
  };
}
