// Which rows of a long list to render, for a scroll position: the list renders only the rows in
// view (and a few around them) between two spacers, so a million customers cost as much as thirty.
//
// Browsers cap an element's height (about 17 million px in Firefox, 33 million in Chromium), and
// a million rows of 42 px need 42 million. Past MAX_SCROLL_HEIGHT the scroll bar is scaled: its
// whole travel still covers every row, one pixel of the bar moves more than one pixel of rows, and
// the rendered rows sit where the viewport is, so they scroll by whole pixels between jumps.
// TanStack Virtual computes the same window for an unscaled list but has no such scaling; the
// arithmetic is the few lines below.

/** The tallest scroll content we make (well below every browser's limit). */
export const MAX_SCROLL_HEIGHT = 8_000_000;

export interface ListWindow {
  /** The first and last row to render (inclusive; last < first when the list is empty). */
  readonly first: number;
  readonly last: number;
  /** Where the first rendered row starts in the scroll content, in px. */
  readonly offsetTop: number;
  /** The height of the whole scroll content, in px. */
  readonly height: number;
}

export interface ListGeometry {
  readonly total: number;
  readonly rowHeight: number;
  /** The height of the visible rows' area, in px. */
  readonly viewport: number;
}

/** How many px of rows one px of the scroll bar moves (1 below MAX_SCROLL_HEIGHT). */
function scaleOf({ total, rowHeight, viewport }: ListGeometry): { height: number; scale: number } {
  const full = total * rowHeight;
  const height = Math.min(full, MAX_SCROLL_HEIGHT);
  const scale = full > height && height > viewport ? (full - viewport) / (height - viewport) : 1;
  return { height, scale };
}

export function listWindow(scrollTop: number, geometry: ListGeometry, overscan = 5): ListWindow {
  const { total, rowHeight, viewport } = geometry;
  const { height, scale } = scaleOf(geometry);
  const top = Math.max(0, Math.min(scrollTop, height - viewport));
  const rowsTop = top * scale;
  const first = Math.max(0, Math.floor(rowsTop / rowHeight) - overscan);
  const last = Math.min(total - 1, Math.ceil((rowsTop + viewport) / rowHeight) + overscan);
  return { first, last, offsetTop: top - (rowsTop - first * rowHeight), height };
}

/** The scroll position that shows row `index` at the top of the viewport (or as near as the end allows). */
export function scrollTopOf(index: number, geometry: ListGeometry): number {
  const { height, scale } = scaleOf(geometry);
  return Math.max(0, Math.min((index * geometry.rowHeight) / scale, height - geometry.viewport));
}
