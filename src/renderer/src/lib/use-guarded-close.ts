// Closing a dialog that holds unsaved input (Escape, a click outside, Cancel) asks first.
import { useState } from 'react';
import { useUnsavedWork } from './unsaved';

export function useGuardedClose(isDirty: () => boolean, close: () => void) {
  const [asking, setAsking] = useState(false);
  // An update's restart waits while this form holds unsaved input.
  useUnsavedWork(isDirty);
  return {
    /** True while the dialog asks whether to discard the input. */
    asking,
    /** What the dialog's close actions call. */
    request: () => (isDirty() ? setAsking(true) : close()),
    discard: () => {
      setAsking(false);
      close();
    },
    keepEditing: () => setAsking(false),
  };
}
