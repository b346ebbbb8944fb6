// @vitest-environment happy-dom
// The segment rules editor: it shows the company's rules, saves changed ones, says in the user's
// language when the main process refuses rules with a gap, and goes back to the standard rules.
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { SegmentRule } from '../../../../shared/contract';
import { AppError } from '../../../../shared/errors';
import { renderWithApp, signedIn } from '../../testing/render';
import { SegmentRules } from './SegmentRules';

afterEach(cleanup);

const everyone: SegmentRule[] = [{ segment: 'loyal', recency: [1, 5], frequency: [1, 5] }];

describe('segment rules', () => {
  it('saves the rules as edited, shows a refusal as a sentence, and resets to the standard rules', async () => {
    const saved: unknown[] = [];
    const { bridge } = await renderWithApp(<SegmentRules />, {
      status: signedIn(['analytics.read', 'settings.manage']),
      answers: {
        'analytics.segmentRules': () => ({ rules: everyone, isDefault: true }),
        'analytics.setSegmentRules': (input) => {
          const { rules } = input as { rules: SegmentRule[] | null };
          saved.push(rules);
          if (rules && rules[0]?.recency[0] !== 1) {
            throw new AppError('validation', 'gap', { reason: 'rfm_rules_gap', recency: 1, frequency: 1 });
          }
          return { rules: rules ?? everyone, isDefault: rules === null };
        },
      },
    });
    expect(await screen.findAllByTestId('segment-rule')).toHaveLength(1);
    const user = userEvent.setup();
    const lowest = screen.getByRole('textbox', { name: 'Lowest Recency score' });
    await user.clear(lowest);
    await user.type(lowest, '2');
    await user.click(screen.getByRole('button', { name: 'Save rules' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toEqual([{ segment: 'loyal', recency: [2, 5], frequency: [1, 5] }]);
    expect(await screen.findByRole('alert')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Back to the standard rules' }));
    await waitFor(() => expect(saved).toHaveLength(2));
    expect(saved[1]).toBeNull();
    expect(bridge.calls.filter((c) => c.name === 'analytics.setSegmentRules')).toHaveLength(2);
  });
});
