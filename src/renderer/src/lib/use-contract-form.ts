// The one form layer: @mantine/form holding the values, the procedure's own input schema checking
// them before sending (the field errors the main process would return, in the user's language),
// and the main process's answer mapped back: its field errors onto the fields, anything else as
// one sentence above the button. The main process stays the authority.
import { useForm } from '@mantine/form';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { contract, type Input, type ProcedureName } from '../../../shared/contract';
import { toFieldIssues } from '../../../shared/errors';
import { isAppError } from './api';
import { describeError } from './describe-error';
import { fieldErrors, issueErrors } from './field-errors';

type Values = Record<string, unknown>;

export interface ContractFormOptions<V extends Values, N extends ProcedureName> {
  /** The procedure the form sends to: its input schema checks the values before anything is sent. */
  readonly procedure: N;
  readonly initialValues: V;
  /** The procedure's input made from the form's values. */
  readonly toInput: (values: V) => Input<N>;
  /** Checks the contract cannot make (a repeated password), as messages by field. */
  readonly check?: (values: V) => Record<string, string | undefined>;
  /** Sends the checked input. A validation error lands on the fields, any other above the button. */
  readonly onSubmit: (input: Input<N>, values: V) => Promise<unknown>;
}

export function useContractForm<V extends Values, N extends ProcedureName>({
  procedure,
  initialValues,
  toInput,
  check,
  onSubmit,
}: ContractFormOptions<V, N>) {
  const { t, i18n } = useTranslation();
  const form = useForm<V>({ mode: 'controlled', initialValues });
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  /** Messages onto the fields they name; those naming no field of this form go above the button. */
  function show(errors: Record<string, string | undefined>) {
    const own: Record<string, string> = {};
    const other: string[] = [];
    for (const [field, message] of Object.entries(errors)) {
      if (message === undefined) continue;
      if (field in form.values) own[field] = message;
      else other.push(message);
    }
    form.setErrors(own);
    setFormError(other.length > 0 ? other.join(' ') : null);
    return Object.keys(own).length + other.length > 0;
  }

  async function send(values: V) {
    setFormError(null);
    const input = toInput(values);
    const parsed = contract[procedure].input.safeParse(input);
    const before = parsed.success ? {} : issueErrors(toFieldIssues(parsed.error), t);
    if (show({ ...before, ...check?.(values) })) return;
    setBusy(true);
    try {
      await onSubmit(input, values);
    } catch (error) {
      if (isAppError(error) && error.code === 'validation' && error.details?.issues?.length) {
        show(fieldErrors(error, t));
      } else setFormError(describeError(error, t, i18n.language));
    } finally {
      setBusy(false);
    }
  }

  return {
    form,
    values: form.values,
    busy,
    formError,
    setFormError,
    submit: (event?: FormEvent) => {
      event?.preventDefault();
      void send(form.values);
    },
    /** Value, change handler and error of one field. */
    field: (name: keyof V & string) => form.getInputProps(name),
    /** The same for a checkbox or switch. */
    checkbox: (name: keyof V & string) => form.getInputProps(name, { type: 'checkbox' }),
  };
}
