"""The overlap as a picture: a 24-hour grid, one row per member, for people to look at rather than read.

Two renderings of one `Grid`: `text_grid` for a code block on every platform and `png` where the platform
takes files. Columns follow the viewer's zone (`axis_zone`) from `start` to `end`, which on a DST day is
23 or 25 hours: the grid shows what is there (46 or 50 half-hour cells) and the hour labels close up
or spread out (03 is four cells after 00 on a spring-forward night, eight on a fall-back night).
A member's own hours are written in their own zone, with the offset that applies when they start work.

Text: one cell per 30 minutes, "█" worked all of it, "▒" part of it (Kathmandu's :45 and :15 edges),
"·" not at all; the shared row uses "▓" for a fully shared cell and the same "▒" for a partly shared
one. Names take 10 columns and the hours are listed under the grid, not beside it, so that a line stays
within 60 columns (10 + 50 cells on a 25-hour day) and fits a Slack or Discord code block on a laptop.
Names are cut with "…" by display width (a CJK character is two columns); backticks become quotes.

PNG: bars at exact pixel positions (seconds, not cells), in the Okabe–Ito colours (blue for working,
orange for shared), with Pillow's bundled font and no metadata, so the same grid gives the same bytes
(for a given Pillow). That font is Latin only: names in other scripts come out as boxes in the PNG
(the text grid shows them).
"""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from bot.features.meetings.overlap import Span, clip, merge, to_datetime
from bot.i18n import translate
from bot.time.format import format_minutes_of_day, format_time
from bot.time.zones import local_now, utc_offset_label, zone_abbreviation

__all__ = ["Grid", "Row", "png", "text_grid"]

CELL = 1800
MAX_SECONDS = 25 * 3600
LABEL_COLUMNS = 9
MAX_LABEL = 100
FULL, PART, EMPTY, SHARED_FULL, NOW_MARK = "█", "▒", "·", "▓", "▼"
WORDS = ("no_zone", "off", "none", "shared", "now")
"""Catalog keys (`meetings.grid_<word>`) of the words the pictures print, in the reader's language."""
_LABEL_EVERY = 3  # hours between hour labels

WIDTH = 900
GRID_LEFT = 140
GRID_WIDTH = 552
HEADER_HEIGHT = 44
ROW_HEIGHT = 30
BAR_INSET = 7
SHARED_GAP = 10
FOOTER_HEIGHT = 12
BACKGROUND = (255, 255, 255)
TRACK = (236, 236, 236)
WORK_COLOUR = (0, 114, 178)  # Okabe–Ito blue
SHARED_COLOUR = (230, 159, 0)  # Okabe–Ito orange
SHARED_TINT = (251, 231, 186)
HOUR_LINE = (222, 222, 222)
MAJOR_LINE = (180, 180, 180)
INK = (34, 34, 34)
MUTED = (118, 118, 118)
NOW_COLOUR = (0, 0, 0)


@dataclass(frozen=True, kw_only=True)
class Row:
    """One member: display name, IANA zone (None = not set, drawn empty) and UTC working spans."""

    label: str
    zone: str | None
    spans: tuple[Span, ...]


@dataclass(frozen=True, kw_only=True)
class Grid:
    """A day `[start, end)` in UTC seconds, labelled in `axis_zone`, with the shared spans and now."""

    start: int
    end: int
    axis_zone: str
    rows: tuple[Row, ...]
    overlap: tuple[Span, ...]
    now: int | None = None
    locale: str = "en"

    def word(self, name: str) -> str:
        return translate(f"meetings.grid_{name}", self.locale)


# --- shared by both pictures -----------------------------------------------------------------------------


def _check(grid: Grid) -> None:
    """Refuse a window that is empty or longer than the longest day (25 hours)."""
    if not 0 < grid.end - grid.start <= MAX_SECONDS:
        raise ValueError(f"a grid is 1 second to 25 hours long, got {grid.end - grid.start} s")


def _spans(spans: Sequence[Span], grid: Grid) -> list[Span]:
    """Spans merged and clipped to the grid."""
    return clip(merge(spans), grid.start, grid.end)


def _row_spans(row: Row, grid: Grid) -> list[Span]:
    """What a row draws: nothing without a zone."""
    return [] if row.zone is None else _spans(row.spans, grid)


def _now_visible(grid: Grid) -> bool:
    return grid.now is not None and grid.start <= grid.now < grid.end


def _hour_marks(grid: Grid) -> list[tuple[int, int]]:
    """`(instant, local hour)` for every whole hour of the axis zone within the grid."""
    marks: list[tuple[int, int]] = []
    for t in range(-(-grid.start // 900) * 900, grid.end, 900):  # offsets are whole quarter hours
        local = local_now(grid.axis_zone, to_datetime(t))
        if local.minute == 0 and local.second == 0:
            marks.append((t, local.hour))
    return marks


def _clock(t: int, zone: str, locale: str, *, end: bool = False) -> str:
    """Wall-clock time of t in zone; an end at midnight is '24:00'."""
    text = format_time(to_datetime(t), zone, locale)
    if end and local_now(zone, to_datetime(t)).time().isoformat() == "00:00:00":
        return format_minutes_of_day(24 * 60, locale)
    return text


def _ranges(spans: Sequence[Span], zone: str, locale: str) -> str:
    """'09:00–17:00, 21:00–24:00' in zone, by time of day: a shift that the grid's midnight cuts in two
    (the end of yesterday's and the start of today's) reads as the one daily pattern it is."""
    parts = sorted((local_now(zone, to_datetime(lo)).time(), _clock(lo, zone, locale),
                    _clock(hi, zone, locale, end=True)) for lo, hi in spans)
    merged: list[tuple[str, str]] = []
    for _, start, end in parts:
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return ", ".join(f"{start}–{end}" for start, end in merged)


def _offsets(spans: Sequence[Span], zone: str, fallback: int) -> str:
    """The zone's offset label(s) where the spans start (at `fallback` when there are none)."""
    labels: list[str] = []
    for t in [lo for lo, _ in spans] or [fallback]:
        label = utc_offset_label(zone, to_datetime(t))
        if label not in labels:
            labels.append(label)
    return "/".join(labels)


def _hours(row: Row, grid: Grid) -> tuple[str, str]:
    """A member's local hours over the grid and their UTC offset: ('09:00–17:00', 'UTC+07:00')."""
    if row.zone is None:
        return grid.word("no_zone"), ""
    spans = _row_spans(row, grid)
    return _ranges(spans, row.zone, grid.locale) or grid.word("off"), _offsets(spans, row.zone, grid.start)


def _shared_hours(grid: Grid) -> tuple[str, str]:
    """The shared spans in the axis zone and its abbreviation, or ('none', '')."""
    ranges = _ranges(_spans(grid.overlap, grid), grid.axis_zone, grid.locale)
    return (ranges, _axis_tag(grid)) if ranges else (grid.word("none"), "")


def _axis_tag(grid: Grid) -> str:
    """'BST', or 'EST/EDT' when the axis zone changes its clocks within the grid."""
    first = zone_abbreviation(grid.axis_zone, to_datetime(grid.start))
    last = zone_abbreviation(grid.axis_zone, to_datetime(grid.end - 1))
    return first if first == last else f"{first}/{last}"


def _plain(label: str) -> str:
    """A display name safe in a code block: no control characters, no backticks."""
    return "".join(" " if unicodedata.category(c) == "Cc" else "'" if c == "`" else c for c in label).strip()


# --- text ------------------------------------------------------------------------------------------------


def _columns(c: str) -> int:
    """Monospace columns of one character: wide East Asian 2, combining 0, others 1."""
    if unicodedata.combining(c):
        return 0
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def _label(text: str, width: int = LABEL_COLUMNS) -> str:
    """Text padded to `width` columns plus a space, cut with '…' when longer."""
    text = _plain(text)
    if sum(map(_columns, text)) > width:
        kept, used = "", 0
        for c in text:
            if used + _columns(c) > width - 1:
                break
            kept, used = kept + c, used + _columns(c)
        text = kept + "…"
    return text + " " * (width - sum(map(_columns, text)) + 1)


def _cells(grid: Grid) -> list[Span]:
    """Half-hour cells from start, the last one clipped to end."""
    return [(t, min(t + CELL, grid.end)) for t in range(grid.start, grid.end, CELL)]


def _covered(spans: Sequence[Span], lo: int, hi: int) -> int:
    return sum(max(0, min(hi, b) - max(lo, a)) for a, b in spans)


def _glyphs(spans: Sequence[Span], cells: Sequence[Span], full: str) -> str:
    """One glyph per cell: `full` when the spans cover it, PART when they touch it, EMPTY otherwise."""
    out = []
    for lo, hi in cells:
        covered = _covered(spans, lo, hi)
        out.append(full if covered == hi - lo else PART if covered else EMPTY)
    return "".join(out)


def _hour_line(grid: Grid) -> str:
    """Hour labels of the axis zone every three hours, each over the cell where that hour begins."""
    line = ""
    for t, hour in _hour_marks(grid):
        at = (t - grid.start) // CELL
        if hour % _LABEL_EVERY == 0 and (not line or at > len(line)):
            line += " " * (at - len(line)) + f"{hour:02d}"
    return line


def text_grid(grid: Grid) -> str:
    """Monospace picture for a code block (no backticks; the caller wraps it)."""
    _check(grid)
    cells = _cells(grid)
    lines = [_label(_axis_tag(grid)) + _hour_line(grid)]
    if grid.now is not None and _now_visible(grid):
        lines.append(_label(grid.word("now")) + " " * ((grid.now - grid.start) // CELL) + NOW_MARK)
    for row in grid.rows:
        body = grid.word("no_zone") if row.zone is None else _glyphs(_row_spans(row, grid), cells, FULL)
        lines.append(_label(row.label) + body)
    lines.append(_label(grid.word("shared")) + _glyphs(_spans(grid.overlap, grid), cells, SHARED_FULL))
    lines.append("")
    for row in grid.rows:
        lines.append(_label(row.label) + " ".join(part for part in _hours(row, grid) if part))
    lines.append(_label(grid.word("shared")) + " ".join(part for part in _shared_hours(grid) if part))
    return "\n".join(line.rstrip() for line in lines)


# --- PNG -------------------------------------------------------------------------------------------------

_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
_RGB = tuple[int, int, int]


@functools.cache
def _font(size: int) -> _Font:
    """Pillow's bundled font (the same everywhere; no system fonts)."""
    return ImageFont.load_default(size=size)


def _fit(text: str, font: _Font, width: int) -> str:
    """Text cut with '…' to fit `width` pixels ('–' becomes '-': the bundled font has no en dash)."""
    text = _plain(text[:MAX_LABEL]).replace("–", "-")  # no label is wider than ~100 characters
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def png_height(rows: int) -> int:
    """Height in pixels of the PNG of a grid with `rows` member rows (plus the shared row)."""
    return HEADER_HEIGHT + rows * ROW_HEIGHT + SHARED_GAP + ROW_HEIGHT + FOOTER_HEIGHT


def x_of(grid: Grid, t: int) -> int:
    """Pixel column of instant t (seconds scaled to the grid's width, whatever the day's length)."""
    length = grid.end - grid.start
    return GRID_LEFT + ((t - grid.start) * GRID_WIDTH + length // 2) // length


def row_top(index: int, rows: int) -> int:
    """Top pixel of member row `index`; `index == rows` is the shared row."""
    return HEADER_HEIGHT + index * ROW_HEIGHT + (SHARED_GAP if index >= rows else 0)


def _bars(draw: ImageDraw.ImageDraw, grid: Grid, spans: Sequence[Span], top: int, colour: _RGB) -> None:
    """Rectangles for spans within one row's bar (at least one pixel wide each)."""
    for lo, hi in spans:
        x0 = x_of(grid, lo)
        x1 = max(x_of(grid, hi), x0 + 1)
        draw.rectangle((x0, top + BAR_INSET, x1 - 1, top + ROW_HEIGHT - BAR_INSET - 1), fill=colour)


def _draw_header(draw: ImageDraw.ImageDraw, grid: Grid, bottom: int) -> None:
    """Axis zone on the left, hour lines (darker every three hours) with labels along the top."""
    small = _font(12)
    draw.text((12, 12), _fit(f"{grid.axis_zone} {_axis_tag(grid)}", small, GRID_LEFT - 20), fill=MUTED,
              font=small)
    for t, hour in _hour_marks(grid):
        x = x_of(grid, t)
        major = hour % _LABEL_EVERY == 0
        colour = MAJOR_LINE if major else HOUR_LINE
        draw.line((x, HEADER_HEIGHT - (6 if major else 0), x, bottom), fill=colour)
        if major:
            draw.text((x, 18), f"{hour:02d}", fill=INK, font=small, anchor="mm")


def _draw_row(draw: ImageDraw.ImageDraw, grid: Grid, top: int, name: str, hours: tuple[str, str]) -> None:
    """Name on the left, the member's local hours (and offset, smaller) on the right."""
    font, small = _font(14), _font(11)
    middle = top + ROW_HEIGHT // 2
    draw.text((12, middle), _fit(name, font, GRID_LEFT - 22), fill=INK, font=font, anchor="lm")
    right = GRID_LEFT + GRID_WIDTH + 12
    room = WIDTH - right - 8
    if hours[1]:
        draw.text((right, middle - 1), _fit(hours[0], font, room), fill=INK, font=font, anchor="ls")
        draw.text((right, middle + 2), _fit(hours[1], small, room), fill=MUTED, font=small, anchor="lt")
    else:
        draw.text((right, middle), _fit(hours[0], font, room), fill=MUTED, font=font, anchor="lm")


def _draw_now(draw: ImageDraw.ImageDraw, grid: Grid, bottom: int) -> None:
    """A black line from a small triangle under the hour labels down through every row."""
    if grid.now is None or not _now_visible(grid):
        return
    x = x_of(grid, grid.now)
    draw.polygon(((x - 5, HEADER_HEIGHT - 12), (x + 5, HEADER_HEIGHT - 12), (x, HEADER_HEIGHT - 4)),
                 fill=NOW_COLOUR)
    draw.rectangle((x - 1, HEADER_HEIGHT - 4, x, bottom), fill=NOW_COLOUR)


def png(grid: Grid) -> bytes:
    """The same picture as a PNG."""
    _check(grid)
    count = len(grid.rows)
    bottom = row_top(count, count) + ROW_HEIGHT
    image = Image.new("RGB", (WIDTH, png_height(count)), BACKGROUND)
    draw = ImageDraw.Draw(image)
    shared = _spans(grid.overlap, grid)
    for index in range(count + 1):
        _bars(draw, grid, [(grid.start, grid.end)], row_top(index, count), TRACK)
    for lo, hi in shared:
        draw.rectangle((x_of(grid, lo), HEADER_HEIGHT, max(x_of(grid, hi), x_of(grid, lo) + 1) - 1, bottom),
                       fill=SHARED_TINT)
    _draw_header(draw, grid, bottom)
    for index, row in enumerate(grid.rows):
        _bars(draw, grid, _row_spans(row, grid), row_top(index, count), WORK_COLOUR)
        _draw_row(draw, grid, row_top(index, count), row.label, _hours(row, grid))
    _bars(draw, grid, shared, row_top(count, count), SHARED_COLOUR)
    _draw_row(draw, grid, row_top(count, count), grid.word("shared"), _shared_hours(grid))
    _draw_now(draw, grid, bottom)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
