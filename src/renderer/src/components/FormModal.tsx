// The dialog of an admin form: title, fields, the form's error, and one submit button. Closing it
// with unsaved input asks first.
import { Button, Modal, Stack } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useGuardedClose } from '../lib/use-guarded-close';
import { DiscardPrompt } from './DiscardPrompt';
import { FormError } from './FormError';

export interface FormModalProps {
  readonly title: string;
  /** Whether the fields differ from what the dialog opened with. */
  readonly dirty: boolean;
  readonly busy: boolean;
  readonly formError: string | null;
  readonly submitLabel?: string;
  readonly size?: string;
  readonly onSubmit: (event: FormEvent) => void;
  readonly onClose: () => void;
  readonly children: ReactNode;
}

export function FormModal({
  title,
  dirty,
  busy,
  formError,
  submitLabel,
  size,
  onSubmit,
  onClose,
  children,
}: FormModalProps) {
  const { t } = useTranslation();
  const guard = useGuardedClose(() => dirty, onClose);
  return (
    <Modal opened onClose={guard.request} title={title} {...(size && { size })}>
      <form onSubmit={onSubmit} noValidate aria-label={title}>
        <Stack>
          {guard.asking && <DiscardPrompt onDiscard={guard.discard} onKeep={guard.keepEditing} />}
          {children}
          <FormError message={formError} />
          <Button type="submit" loading={busy}>
            {submitLabel ?? t('customers.save')}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}
