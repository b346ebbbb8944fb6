// Closing a dialog that holds unsaved input (Escape, a click outside, Cancel) asks first.
import { useState } from 'react';

export function useGuardedClose(isDirty: () => boolean, close: () => void) {
  const [asking, setAsking] = useState(false);
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
