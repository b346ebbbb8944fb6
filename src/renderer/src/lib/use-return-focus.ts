// A dialog that is shown by being rendered (a route, `{open && <Dialog/>}`) is gone before Mantine's
// Modal could give the focus back: this does it. The element that had the focus when the dialog
// first rendered gets it again when the dialog goes, if it is still on the page (WCAG 2.4.3).
import { useEffect, useState } from 'react';

export function useReturnFocus(): void {
  // Read while rendering: before the dialog (and its focus trap) takes the focus.
  const [from] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(
    () => () => {
      // After the dialog's own clean-up, which may move the focus to the page's body.
      setTimeout(() => {
        if (from?.isConnected) from.focus();
      }, 0);
    },
    [from],
  );
}
