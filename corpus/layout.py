"""Reading order for multi-column pages, from the boxes of text lines or words.

Both PDF engines hand us boxes ``(x0, top, x1, bottom)`` in top-down page coordinates. A column gutter is a
vertical strip in the middle of the page that (almost) no box crosses while many boxes sit side by side to its
left and right. Regions come back in reading order: full-width text above the columns, each column top to
bottom (left first), full-width text below.
"""

from __future__ import annotations

Box = tuple[float, float, float, float]  # x0, top, x1, bottom

_MIN_SIDE_BOXES = 4
_MAX_CROSSING_SHARE = 0.08
_MIN_GUTTER = 6.0  # points; a gap between words is narrower


def find_gutter(boxes: list[Box], x0: float, x1: float) -> float | None:
    """Return the x of a column gutter between x0 and x1, or None for a single-column region."""
    width = x1 - x0
    if width <= 0 or len(boxes) < 2 * _MIN_SIDE_BOXES:
        return None
    lo, hi = x0 + 0.3 * width, x0 + 0.7 * width
    steps = 120
    xs = [lo + (hi - lo) * i / steps for i in range(steps + 1)]
    crossings = [sum(1 for b in boxes if b[0] < x - 1 and x + 1 < b[2]) for x in xs]
    best_cross = min(crossings)
    # the middle of the widest run of least-crossed positions, not its first position
    runs, start = [], None
    for i, c in enumerate(crossings + [None]):
        if c == best_cross and start is None:
            start = i
        elif c != best_cross and start is not None:
            runs.append((i - start, start, i - 1))
            start = None
    _, a, b = max(runs)
    best_x = (xs[a] + xs[b]) / 2
    if best_cross > _MAX_CROSSING_SHARE * len(boxes):
        return None
    left = [b for b in boxes if b[2] <= best_x]
    right = [b for b in boxes if b[0] >= best_x]
    if len(left) < _MIN_SIDE_BOXES or len(right) < _MIN_SIDE_BOXES:
        return None
    # Columns sit side by side: enough left boxes share a vertical band with some right box.
    side_by_side = sum(1 for lb in left if any(rb[1] < lb[3] and lb[1] < rb[3] for rb in right))
    if side_by_side < _MIN_SIDE_BOXES:
        return None
    left_edge = max(b[2] for b in left)
    right_edge = min(b[0] for b in right)
    if right_edge - left_edge < _MIN_GUTTER:
        return None
    return (left_edge + right_edge) / 2


def reading_regions(boxes: list[Box], width: float, height: float) -> list[Box]:
    """Split a page into regions in reading order; a single-column page is one region."""
    gutter = find_gutter(boxes, 0.0, width)
    if gutter is None:
        return [(0.0, 0.0, width, height)]
    in_cols = [b for b in boxes if b[2] <= gutter or b[0] >= gutter]
    cols_top = min(b[1] for b in in_cols)
    cols_bottom = max(b[3] for b in in_cols)
    # Full-width boxes (titles, centred page numbers) above or below the column band come before or after it.
    crossing = [b for b in boxes if b[0] < gutter < b[2]]
    head = [b for b in crossing if b[3] <= cols_top + 1]
    tail = [b for b in crossing if b[1] >= cols_bottom - 1]
    split_top = max((b[3] for b in head), default=0.0)
    split_bottom = min((b[1] for b in tail), default=height)
    regions: list[Box] = []
    if head:
        regions.append((0.0, 0.0, width, split_top))
    regions.append((0.0, split_top, gutter, split_bottom))
    regions.append((gutter, split_top, width, split_bottom))
    if tail:
        regions.append((0.0, split_bottom, width, height))
    return regions
