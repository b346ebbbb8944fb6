// Turns a validation error from the main process into messages per form field, in the UI language.
import type { TFunction } from 'i18next';
import type { AppError } from '../../../shared/errors';

export function fieldErrors(error: AppError, t: TFunction): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.details?.issues ?? []) {
    const field = issue.path.split('.').at(-1) ?? '';
    if (out[field] !== undefined) continue;
    const key = `errors.${issue.rule}`;
    out[field] = t(key, { ...issue.params, defaultValue: issue.message });
  }
  return out;
}
