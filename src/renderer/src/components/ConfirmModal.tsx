// The dialog that asks before an action that cannot be undone: what happens, the refusal if there
// is one, Cancel (focused first) and the red button that does it.
import { Button, Group, Modal, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './ErrorAlert';

export interface ConfirmModalProps {
  readonly opened?: boolean;
  readonly title: string;
  readonly confirmLabel: string;
  readonly busy: boolean;
  readonly error: unknown;
  /** The red button stays disabled (after a refusal that asking again will not change). */
  readonly disabled?: boolean;
  readonly onConfirm: () => void;
  readonly onClose: () => void;
  readonly children?: ReactNode;
}

export function ConfirmModal({
  opened = true,
  title,
  confirmLabel,
  busy,
  error,
  disabled = false,
  onConfirm,
  onClose,
  children,
}: ConfirmModalProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={title} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack>
        {children}
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            {t('customers.cancel')}
          </Button>
          <Button color="red" loading={busy} disabled={disabled} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
