// A success notice: announced politely (role status), and gone by itself after a few seconds.
import { notifications } from '@mantine/notifications';

export function notifySuccess(message: string): void {
  notifications.show({ color: 'teal', message, autoClose: 4000, role: 'status' });
}
