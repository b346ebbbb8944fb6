// Errors from the main process in the user's language. The main process sends a code and, for
// refusals a user can cause, a reason with parameters; each known reason has a sentence here.
// Anything else reads as the sentence for its code in German, and as the main process's own
// (English, user-facing) message in English. Driver texts never arrive: internal errors are generic.
import type { TFunction } from 'i18next';
import { AppError } from '../../../shared/errors';

export function describeError(error: unknown, t: TFunction, language: string): string {
  if (!(error instanceof AppError)) return t('errors.byCode.internal');
  const details = error.details ?? {};
  const reason = details['reason'];
  if (typeof reason === 'string') {
    // The reason's sentence (locales: errors.reasons.<reason>), with the details as its parameters.
    const params: Record<string, unknown> = { ...details };
    if (reason === 'account_locked') {
      params['time'] = new Intl.DateTimeFormat(language, { timeStyle: 'short' }).format(
        new Date(String(details['lockedUntil'])),
      );
    }
    if (reason === 'throttled') params['count'] = Number(details['retryAfterSeconds']);
    const text = t(`errors.reasons.${reason}` as 'errors.reasons.cancelled', { ...params, defaultValue: '' });
    if (text !== '') return text;
  }
  // A refusal or failure the main process described only in its own words: in English those words
  // (never for internal errors or refusals), otherwise the sentence for its code.
  if (error.code === 'internal' || error.code === 'forbidden' || !language.startsWith('en'))
    return t(`errors.byCode.${error.code}`);
  return error.message;
}
