// A refusal or failure from the main process, as a sentence in the user's language; nothing when
// there is none. Every screen shows its errors through this (none is swallowed).
import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { describeError } from '../lib/describe-error';

export function ErrorAlert({ error, onClose }: { error: unknown; onClose?: () => void }) {
  const { t, i18n } = useTranslation();
  if (error === null || error === undefined) return null;
  return (
    <Alert
      color="red"
      role="alert"
      withCloseButton={onClose !== undefined}
      closeButtonLabel={t('common.close')}
      {...(onClose && { onClose })}
    >
      {describeError(error, t, i18n.language)}
    </Alert>
  );
}
