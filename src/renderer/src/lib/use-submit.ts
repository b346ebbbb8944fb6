// Form submission with busy state, field errors from the main process, and a form-level error.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isAppError } from './api';
import { describeError } from './describe-error';
import { fieldErrors } from './field-errors';

export function useSubmit(action: () => Promise<void>) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      await action();
    } catch (error) {
      if (isAppError(error) && error.code === 'validation' && error.details?.issues?.length)
        setErrors(fieldErrors(error, t));
      else setFormError(describeError(error, t, i18n.language));
    } finally {
      setBusy(false);
    }
  }

  return { busy, errors, formError, setFormError, submit };
}

/** Form values with one binding per text field: its value, its error, and its change handler. */
export function useFormValues<V extends Record<string, string>>(initial: V) {
  const [values, setValues] = useState<V>(initial);
  const field = (name: keyof V & string, errors: Record<string, string>) => ({
    value: values[name],
    error: errors[name],
    onChange: (e: { currentTarget: { value: string } }) => {
      const value = e.currentTarget.value;
      setValues((v) => ({ ...v, [name]: value }));
    },
  });
  return { values, setValues, field };
}
