// @vitest-environment happy-dom
// A German user reads German: no sentence the main process wrote in English reaches them, whatever
// the refusal; English users read the reason's sentence or the main process's own words.
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { describeError } from './describe-error';
import { initI18n } from './i18n';

const refusals = [
  new AppError('conflict', 'a role named Clerk exists already', { reason: 'role_name_taken', name: 'Clerk' }),
  new AppError('conflict', 'the last active administrator cannot be deactivated or demoted', { reason: 'last_admin' }),
  new AppError('conflict', 'a company named Acme exists already', { reason: 'company_name_taken', name: 'Acme' }),
  new AppError('forbidden', 'forbidden: customers.create needs the permission customers.write', {
    reason: 'permission',
  }),
  new AppError('validation', 'invalid input for customers.list: limit: Too big', { issues: [] }),
  new AppError('internal', 'connect ECONNREFUSED 127.0.0.1:5432'),
  new AppError('not_found', 'no company with id 42'),
  new AppError('conflict', 'some refusal nobody has translated yet'),
  new Error('TypeError: x is undefined'),
  new AppError('conflict', 'the role Vertrieb is still given to users; give them another role first', {
    reason: 'role_in_use',
    name: 'Vertrieb',
  }),
];

describe('errors in the user’s language', () => {
  beforeAll(async () => {
    await initI18n('de');
  });

  it('never shows a German user an English sentence from the main process', async () => {
    await i18next.changeLanguage('de');
    for (const error of refusals) {
      const text = describeError(error, i18next.t, 'de');
      expect(text, error.message).not.toBe(error.message);
      expect(text, error.message).not.toMatch(/\b(the|cannot|exists|already|invalid|connect|forbidden|no company)\b/i);
      expect(text.length).toBeGreaterThan(5);
    }
    expect(describeError(refusals[0], i18next.t, 'de')).toBe('Eine Rolle namens Clerk gibt es schon.');
    expect(describeError(refusals[9], i18next.t, 'de')).toBe(
      'Die Rolle Vertrieb ist noch Benutzern zugewiesen; geben Sie ihnen zuerst eine andere.',
    );
  });

  it('gives English users the reason’s sentence, or the main process’s own words', async () => {
    await i18next.changeLanguage('en');
    expect(describeError(refusals[1], i18next.t, 'en')).toMatch(/^The last active administrator/);
    expect(describeError(refusals[7], i18next.t, 'en')).toBe('some refusal nobody has translated yet');
    expect(describeError(refusals[5], i18next.t, 'en')).toBe(
      'Something went wrong in Kontor. The details are in its log.',
    );
  });
});
