import { useState } from 'react';
import { type ErrorWording, errorText } from '../../i18n/errorText';
import { useT } from '../../i18n/useT';

/** Runs one floor request from a button: busy flag, and a readable error worded for that action. */
export function useFloorAction() {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const run = async (fn: () => Promise<unknown>, wording?: ErrorWording): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(errorText(t, err, wording));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, clearError: () => setError(undefined) };
}
