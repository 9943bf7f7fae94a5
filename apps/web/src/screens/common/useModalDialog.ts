import { type RefObject, useEffect, useRef } from 'react';

/**
 * A native modal `<dialog>` shown while `open` (focus trapped, Escape closes, no injected styles — CSP
 * `style-src 'self'`), and closed when the component goes. Attach the returned ref to the `<dialog>`.
 */
export function useModalDialog(open: boolean): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
    return () => dialog.close();
  }, [open]);
  return ref;
}
