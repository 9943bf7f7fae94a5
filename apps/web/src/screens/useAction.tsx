import { useState } from 'react';
import { errorText } from '../i18n/errorText';
import { useT } from '../i18n/useT';

/** Runs an async action from a form: tracks busy state and turns failures into a readable message. */
export function useAction() {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, setError };
}

/** The error line under a form; announced to screen readers. */
export function FormError({ message }: { message: string | undefined }) {
  return message ? (
    <p role="alert" className="error">
      {message}
    </p>
  ) : null;
}
