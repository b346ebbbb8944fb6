// Errors from the main process in the user's language. The main process sends a code and, for
// refusals a user can cause, a reason with parameters; each known reason has a sentence here.
// Anything else reads as the sentence for its code in German, and as the main process's own
// (English, user-facing) message in English. Driver texts never arrive: internal errors are generic.
import type { TFunction } from 'i18next';
import { AppError } from '../../../shared/errors';

export function describeError(error: unknown, t: TFunction, language: string): string {
  if (!(error instanceof AppError)) return t('errors.byCode.internal');
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
      return t('errors.throttled', { count: Number(details['retryAfterSeconds']) });
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
    case 'company_name_taken':
      return t('errors.companyNameTaken', { name: String(details['name']) });
    case 'company_in_use':
      return t('errors.companyInUse');
    case 'message_sent':
      return t('errors.messageSent');
    case 'no_message':
      return t('errors.noMessage');
    case 'cancelled':
      return t('errors.cancelled');
    case 'role_name_taken':
      return t('errors.roleNameTaken', { name: String(details['name']) });
    case 'last_admin':
      return t('errors.lastAdmin');
    case 'last_installation_admin':
      return t('errors.lastInstallationAdmin');
    default:
      // A refusal or failure the main process described only in its own words: in English those
      // words (never for internal errors or refusals), otherwise the sentence for its code.
      if (error.code === 'internal' || error.code === 'forbidden' || !language.startsWith('en'))
        return t(`errors.byCode.${error.code}`);
      return error.message;
  }
}
