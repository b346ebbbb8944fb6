// Errors from the main process in the user's language: known reasons get a translated sentence,
// anything else shows the main process's own (English) message.
import type { TFunction } from 'i18next';
import { AppError } from '../../../shared/errors';

export function describeError(error: unknown, t: TFunction, language: string): string {
  if (!(error instanceof AppError)) return t('errors.generic', { message: (error as Error).message });
  const details = error.details ?? {};
  switch (details['reason']) {
    case 'wrong_credentials':
      return t('errors.wrongCredentials');
    case 'wrong_code':
      return t('errors.wrongCode');
    case 'account_locked': {
      const until = new Date(String(details['lockedUntil']));
      return t('errors.accountLocked', {
        time: new Intl.DateTimeFormat(language, { timeStyle: 'short' }).format(until),
      });
    }
    case 'throttled':
      return t('errors.throttled', { seconds: Number(details['retryAfterSeconds']) });
    case 'deactivated':
      return t('errors.deactivated');
    case 'permission':
      return t('errors.forbidden');
    case 'user_in_other_company':
      return t('errors.userInOtherCompany');
    case 'other_company':
      return t('errors.otherCompany');
    case 'installation_admin_required':
      return t('errors.installationAdminRequired');
    case 'keys_open_data':
      return t('errors.keysOpenData');
    default:
      return error.message;
  }
}
