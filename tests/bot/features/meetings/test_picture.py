"""The overlap as a picture: a text grid for code blocks and a PNG for platforms that take files.

Grids here are built the way the bot builds them: the viewer's day from `day_window`, each member's
hours and the shared hours from the overlap engine. The main example is Monday 15 June 2026 seen from
London (BST, UTC+01:00): Ayu in Jakarta works 03:00–11:00 BST, Jonas in London 09:00–17:00, Liam in New
York 14:00–22:00; no hour has all three, so the shared row shows where at least two of them work.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from textwrap import dedent

import pytest
from PIL import Image

from bot.core.identity import MON_FRI, WorkingHours
from bot.features.meetings.overlap import Schedule, day_window, overlap
from bot.features.meetings.picture import (
    EMPTY,
    FULL,
    NOW_COLOUR,
    PART,
    ROW_HEIGHT,
    SHARED_COLOUR,
    SHARED_FULL,
    SHARED_TINT,
    WORK_COLOUR,
    Grid,
    Row,
    png,
    row_top,
    text_grid,
    x_of,
)

EVERY_DAY = frozenset(range(7))
Person = tuple[str, str, str, str]  # name, zone, "09:00", "17:00"


def _minute(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())


def team_grid(axis: str, day: date, people: Sequence[Person], *, k: int | None = None,
              now: int | None = None, every_day: bool = False) -> Grid:
    """The grid the bot would draw for `people` on `day` as seen from `axis`."""
    (window,) = day_window(axis, day, day)
    workdays = EVERY_DAY if every_day else MON_FRI
    schedules = [
        Schedule(name=name, zone=zone,
                 hours=WorkingHours(start_minute=_minute(start), end_minute=_minute(end), workdays=workdays))
        for name, zone, start, end in people
    ]
    found = overlap(schedules, [window], k=k)
    pairs = zip(schedules, found.per_person, strict=True)
    rows = tuple(Row(label=s.name, zone=s.zone, spans=spans) for s, spans in pairs)
    return Grid(start=window[0], end=window[1], axis_zone=axis, rows=rows, overlap=found.spans, now=now)


def five_member_team() -> Grid:
    """The picture in docs/images/overlap.png: five zones, at least 3 of 5 shared, seen from Jakarta."""
    people = [
        ("Ayu", "Asia/Jakarta", "09:00", "17:00"),
        ("Priya", "Asia/Kolkata", "10:00", "18:30"),
        ("Jonas", "Europe/Berlin", "09:00", "17:00"),
        ("Liam", "America/New_York", "09:00", "17:00"),
        ("Rahul", "Asia/Kathmandu", "09:45", "17:45"),
    ]
    return team_grid("Asia/Jakarta", date(2026, 6, 15), people, k=3, now=_utc(2026, 6, 15, 8, 20))


JUNE_15 = date(2026, 6, 15)  # a Monday
AYU = ("Ayu", "Asia/Jakarta", "09:00", "17:00")
JONAS = ("Jonas", "Europe/London", "09:00", "17:00")
LIAM = ("Liam", "America/New_York", "09:00", "17:00")
RAHUL = ("Rahul", "Asia/Kathmandu", "09:00", "17:00")  # 04:15–12:15 BST
NOW = _utc(2026, 6, 15, 13, 10)  # 14:10 BST: cell 28 (14:00–14:30)


def london_grid(*, now: int | None = NOW) -> Grid:
    return team_grid("Europe/London", JUNE_15, [AYU, JONAS, LIAM], k=2, now=now)


def _with_rows(grid: Grid, *rows: Row) -> Grid:
    return Grid(start=grid.start, end=grid.end, axis_zone=grid.axis_zone, rows=grid.rows + rows,
                overlap=grid.overlap, now=grid.now)


def _line(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(label))


def _cells(line: str) -> str:
    return line[10:]


# --- text ------------------------------------------------------------------------------------------------


def test_text_grid_of_a_jakarta_london_new_york_day_seen_from_london() -> None:
    assert text_grid(london_grid()) == dedent("""\
        BST       00    03    06    09    12    15    18    21
        now                                   ▼
        Ayu       ······████████████████··························
        Jonas     ··················████████████████··············
        Liam      ····························████████████████····
        shared    ··················▓▓▓▓······▓▓▓▓▓▓··············

        Ayu       09:00–17:00 UTC+07:00
        Jonas     09:00–17:00 UTC+01:00
        Liam      09:00–17:00 UTC-04:00
        shared    09:00–11:00, 14:00–17:00 BST""")


def test_one_cell_per_half_hour_of_the_axis_day_after_a_ten_column_label() -> None:
    row = _line(text_grid(london_grid()), "Jonas")
    assert row[:10] == "Jonas     "
    assert len(_cells(row)) == 48
    assert _cells(row).index(FULL) == 18  # 09:00 BST is the 19th half hour


def test_kathmandu_quarter_hours_are_partial_cells_never_rounded() -> None:
    cells = _cells(_line(text_grid(team_grid("Europe/London", JUNE_15, [RAHUL])), "Rahul"))
    assert cells[8] == PART  # 04:00–04:30 BST, worked from 04:15
    assert cells[9:24] == FULL * 15
    assert cells[24] == PART  # 12:00–12:30 BST, worked until 12:15
    assert cells[:8] + cells[25:] == EMPTY * 31


def test_shared_row_marks_exactly_the_shared_cells_partly_shared_ones_partial() -> None:
    grid = team_grid("Europe/London", JUNE_15, [JONAS, RAHUL])  # both: 09:00–12:15 BST
    shared = _cells(_line(text_grid(grid), "shared"))
    assert shared == EMPTY * 18 + SHARED_FULL * 6 + PART + EMPTY * 23
    assert _line(text_grid(grid), "shared    09") == "shared    09:00–12:15 BST"


def test_now_marker_sits_above_the_cell_of_now() -> None:
    lines = text_grid(london_grid()).splitlines()
    marker = lines[1]
    assert marker.startswith("now")
    assert marker.index("▼") == 10 + 28
    assert lines[3][marker.index("▼")] == FULL  # Jonas is at work at 14:10


@pytest.mark.parametrize("now", [None, _utc(2026, 6, 14, 22, 59), _utc(2026, 6, 15, 23, 0)])
def test_no_now_marker_without_now_or_outside_the_day(now: int | None) -> None:
    assert "▼" not in text_grid(london_grid(now=now))
    assert not text_grid(london_grid(now=now)).splitlines()[1].startswith("now")


def test_a_member_without_a_zone_has_an_empty_row_that_says_so() -> None:
    spans = ((_utc(2026, 6, 15, 8), _utc(2026, 6, 15, 16)),)  # ignored: without a zone nothing is known
    text = text_grid(_with_rows(london_grid(), Row(label="Noor", zone=None, spans=spans)))
    assert [line for line in text.splitlines() if line.startswith("Noor")] == ["Noor      no zone"] * 2


def test_a_member_off_that_day_has_an_empty_row_and_their_offset() -> None:
    grid = team_grid("Europe/London", date(2026, 6, 14), [AYU])  # a Sunday
    text = text_grid(grid)
    assert _cells(_line(text, "Ayu")) == EMPTY * 48
    assert text.splitlines()[-2] == "Ayu       off UTC+07:00"
    assert text.splitlines()[-1] == "shared    none"


def test_long_and_wide_names_are_cut_to_the_label_column() -> None:
    rows = (Row(label="Bartholomew Alexander", zone="UTC", spans=()),
            Row(label="山田太郎花子", zone="UTC", spans=()))  # two columns per character
    lines = text_grid(_with_rows(london_grid(), *rows)).splitlines()
    assert "Bartholo… " + EMPTY * 48 in lines
    assert "山田太郎… " + EMPTY * 48 in lines


def test_names_cannot_break_out_of_the_code_block() -> None:
    text = text_grid(_with_rows(london_grid(), Row(label="a```b\nc", zone=None, spans=())))
    assert "`" not in text
    assert "a'''b c   no zone" in text.splitlines()


def test_local_hours_are_each_members_own_and_clipped_to_the_day_drawn() -> None:
    text = text_grid(five_member_team())
    assert "Liam      09:00–13:00 UTC-04:00" in text  # 20:00–24:00 WIB; the rest is tomorrow in Jakarta
    assert "Rahul     09:45–17:45 UTC+05:45" in text
    assert "shared    11:30–19:00 WIB" in text  # at least 3 of 5


def test_an_end_at_local_midnight_is_written_24_00() -> None:
    grid = team_grid("Asia/Jakarta", JUNE_15, [("Ayu", "Asia/Jakarta", "20:00", "24:00")])
    assert "Ayu       20:00–24:00 UTC+07:00" in text_grid(grid)


def test_spring_forward_day_has_23_hours_so_46_cells_and_the_labels_jump() -> None:
    """New York on 8 March 2026: 02:00 EST becomes 03:00 EDT, so 03 is only two hours after 00."""
    people = [("Liam", "America/New_York", "09:00", "17:00"), ("Jonas", "Europe/London", "09:00", "17:00")]
    text = text_grid(team_grid("America/New_York", date(2026, 3, 8), people, every_day=True))
    assert text.splitlines()[0] == "EST/EDT   00  03    06    09    12    15    18    21"
    assert _cells(_line(text, "Liam")) == EMPTY * 16 + FULL * 16 + EMPTY * 14
    assert _cells(_line(text, "Jonas")) == EMPTY * 8 + FULL * 16 + EMPTY * 22  # 05:00–13:00 EDT
    assert "Jonas     09:00–17:00 UTC" in text.splitlines()


def test_fall_back_day_has_25_hours_so_50_cells() -> None:
    grid = team_grid("Europe/London", date(2026, 10, 25), [JONAS], every_day=True)
    text = text_grid(grid)
    assert text.splitlines()[0] == "BST/GMT   00      03    06    09    12    15    18    21"
    assert len(_cells(_line(text, "Jonas"))) == 50


def test_lines_fit_a_code_block_on_a_laptop() -> None:
    members = (Row(label=f"Member number {i}", zone="UTC", spans=()) for i in range(5))
    grid = _with_rows(five_member_team(), *members)
    assert max(len(line) for line in text_grid(grid).splitlines()) <= 64


@pytest.mark.parametrize("length", [0, 25 * 3600 + 1])
def test_a_grid_is_one_day_at_most(length: int) -> None:
    with pytest.raises(ValueError, match="25 hours"):
        text_grid(Grid(start=0, end=length, axis_zone="UTC", rows=(), overlap=()))


# --- PNG -------------------------------------------------------------------------------------------------


def _image(grid: Grid) -> Image.Image:
    return Image.open(io.BytesIO(png(grid))).convert("RGB")


def _pixel(image: Image.Image, grid: Grid, t: int, row: int) -> tuple[int, ...]:
    """The colour at instant t in the middle of row `row` (len(grid.rows) is the shared row)."""
    value = image.getpixel((x_of(grid, t), row_top(row, len(grid.rows)) + ROW_HEIGHT // 2))
    assert isinstance(value, tuple)
    return value


def test_png_is_a_900_pixel_wide_png_one_band_per_member_and_the_shared_row() -> None:
    data = png(london_grid())
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (900, 186)  # header 44, 3 rows of 30, gap 10, shared row 30, margin 12


def test_png_shades_working_hours_and_highlights_the_shared_hours() -> None:
    grid = london_grid()
    image = _image(grid)
    assert _pixel(image, grid, _utc(2026, 6, 15, 6), row=0) == WORK_COLOUR  # Ayu at 07:00 BST
    assert _pixel(image, grid, _utc(2026, 6, 15, 9), row=3) == SHARED_COLOUR  # 10:00 BST, shared row
    assert _pixel(image, grid, _utc(2026, 6, 15, 9, 30), row=2) == SHARED_TINT  # Liam is not at work yet


def test_png_draws_exact_minutes_not_cells() -> None:
    grid = team_grid("Europe/London", JUNE_15, [RAHUL])
    image = _image(grid)
    start = _utc(2026, 6, 15, 3, 15)  # 04:15 BST
    y = row_top(0, 1) + ROW_HEIGHT // 2
    assert image.getpixel((x_of(grid, start), y)) == WORK_COLOUR
    assert image.getpixel((x_of(grid, start) - 1, y)) != WORK_COLOUR


def test_png_draws_a_line_at_now() -> None:
    grid = london_grid(now=_utc(2026, 6, 15, 20, 40))  # 21:40 BST: nobody else draws here on row 0
    assert _pixel(_image(grid), grid, grid.now or 0, row=0) == NOW_COLOUR


def test_png_is_deterministic_and_small() -> None:
    members = (Row(label=f"Member {i}", zone="UTC", spans=((_utc(2026, 6, 15, i), _utc(2026, 6, 15, i + 8)),))
               for i in range(5))
    grid = _with_rows(five_member_team(), *members)  # ten rows
    data = png(grid)
    assert data == png(grid)
    assert len(data) < 100_000
