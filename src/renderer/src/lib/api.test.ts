// @vitest-environment happy-dom
// Choosing a file: the file, a cancel, or — a desk in server mode sends the file to the server —
// the refusal that kept it from arriving, as an AppError the screens show in the user's language.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { fakeBridge } from '../testing/render';
import { chooseFile } from './api';

function bridgeChoosing(choice: Awaited<ReturnType<ReturnType<typeof fakeBridge>['chooseFile']>>) {
  Object.defineProperty(window, 'kontor', {
    value: { ...fakeBridge({}), chooseFile: async () => choice },
    configurable: true,
  });
}

describe('choosing a file', () => {
  it('gives the chosen file, null for a cancel, and rejects with the reason a file did not arrive', async () => {
    bridgeChoosing({ fileId: 'f1', name: 'kunden.csv' });
    expect(await chooseFile({ mode: 'open', extensions: ['csv'] })).toEqual({ fileId: 'f1', name: 'kunden.csv' });
    bridgeChoosing(null);
    expect(await chooseFile({ mode: 'open', extensions: ['csv'] })).toBeNull();
    const refused = new AppError('validation', 'the file is too large or did not arrive whole', {
      reason: 'upload_failed',
    });
    bridgeChoosing({ failed: refused.toShape() });
    const error: unknown = await chooseFile({ mode: 'open', extensions: ['csv'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'validation', details: { reason: 'upload_failed' } });
  });
});
