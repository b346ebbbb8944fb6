// The dialog of an admin form: title, fields, the form's error, and one submit button. Closing it
// with unsaved input asks first.
import { Button, Modal, Stack } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useReturnFocus } from '../lib/use-return-focus';
import { useGuardedClose } from '../lib/use-guarded-close';
import { DiscardPrompt } from './DiscardPrompt';
import { FormError } from './FormError';

/** What the dialog needs of its form: useContractForm returns it. */
export interface FormState {
  /** Whether the fields differ from what the dialog opened with. */
  readonly form: { isDirty(): boolean };
  readonly busy: boolean;
  readonly formError: string | null;
  readonly submit: (event?: FormEvent) => void;
}

export interface FormModalProps {
  readonly title: string;
  readonly state: FormState;
  readonly submitLabel?: string;
  readonly size?: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
}

export function FormModal({ title, state, submitLabel, size, onClose, children }: FormModalProps) {
  const { t } = useTranslation();
  useReturnFocus();
  const { busy, formError, submit } = state;
  const guard = useGuardedClose(() => state.form.isDirty(), onClose);
  return (
    <Modal
      opened
      onClose={guard.request}
      title={title}
      {...(size && { size })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form onSubmit={submit} noValidate aria-label={title}>
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
