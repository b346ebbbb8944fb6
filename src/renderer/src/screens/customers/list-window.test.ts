// The list's window of rendered rows: exact below the browsers' height limit, scaled above it,
// and every row reachable — the first, the last and any in between.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listWindow, MAX_SCROLL_HEIGHT, scrollTopOf } from './list-window';

const rowHeight = 42;
const viewport = 420;

describe('listWindow', () => {
  it('renders the rows in view and a few around them, at their own place, for a short list', () => {
    const geometry = { total: 1_000, rowHeight, viewport };
    expect(listWindow(0, geometry)).toEqual({ first: 0, last: 15, offsetTop: 0, height: 42_000 });
    expect(listWindow(4_200, geometry)).toEqual({ first: 95, last: 115, offsetTop: 95 * 42, height: 42_000 });
    // Scrolled past the end (a list that just got shorter): the last rows.
    expect(listWindow(99_999, geometry).last).toBe(999);
    expect(listWindow(0, { ...geometry, total: 0 })).toMatchObject({ first: 0, last: -1, height: 0 });
  });

  it('scales the scroll bar past the height limit: the top shows the first rows, the bottom the last', () => {
    const geometry = { total: 1_000_000, rowHeight, viewport };
    const top = listWindow(0, geometry);
    expect(top).toMatchObject({ first: 0, offsetTop: 0, height: MAX_SCROLL_HEIGHT });
    const bottom = listWindow(MAX_SCROLL_HEIGHT - viewport, geometry);
    expect(bottom.last).toBe(999_999);
    // The rendered rows end exactly at the end of the content.
    expect(bottom.offsetTop + (bottom.last - bottom.first + 1) * rowHeight).toBeCloseTo(MAX_SCROLL_HEIGHT, 6);
    const middle = listWindow((MAX_SCROLL_HEIGHT - viewport) / 2, geometry);
    expect(middle.first).toBeGreaterThan(499_000);
    expect(middle.last).toBeLessThan(501_000);
  });

  it('brings any row into view with scrollTopOf, scaled or not (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000_000 }), fc.nat(), (total, pick) => {
        const geometry = { total, rowHeight, viewport };
        const index = pick % total;
        const shown = listWindow(scrollTopOf(index, geometry), geometry, 0);
        expect(shown.first).toBeLessThanOrEqual(index);
        expect(shown.last).toBeGreaterThanOrEqual(index);
        // The row is inside the viewport, not under its edges.
        const top = scrollTopOf(index, geometry);
        const rowTop = shown.offsetTop + (index - shown.first) * rowHeight;
        expect(rowTop).toBeGreaterThanOrEqual(top - 1e-6);
        expect(rowTop + rowHeight).toBeLessThanOrEqual(top + viewport + 1e-6);
      }),
      { numRuns: 500 },
    );
  });
});
