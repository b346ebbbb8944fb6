// Field errors in the UI language, the same whether the form's own check found them before sending
// or the main process returned them: both come from the contract's zod schema as rule + params.
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { toFieldIssues, type AppError, type FieldIssue } from '../../../shared/errors';

export function issueErrors(issues: readonly FieldIssue[], t: TFunction): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.path.split('.').at(-1) ?? '';
    if (out[field] !== undefined) continue;
    out[field] = t(`errors.${issue.rule}` as 'errors.required', { ...issue.params, defaultValue: issue.message });
  }
  return out;
}

export function fieldErrors(error: AppError, t: TFunction): Record<string, string> {
  return issueErrors(error.details?.issues ?? [], t);
}

/**
 * A form validator from the procedure's own input schema: the form shows the errors the main
 * process would return, before sending. The main process stays the authority.
 */
export function contractValidator<V>(schema: z.ZodType, toInput: (values: V) => unknown, t: TFunction) {
  return (values: V): Record<string, string> => {
    const parsed = schema.safeParse(toInput(values));
    return parsed.success ? {} : issueErrors(toFieldIssues(parsed.error), t);
  };
}
