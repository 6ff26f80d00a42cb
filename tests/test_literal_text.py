"""Text from a scenario file is shown as written: a ``$`` is a dollar sign, not matplotlib
maths, in every figure (``run --plot``, a sweep's plot, the classroom page's panels), and a
control character in the terminal account is shown escaped, so a consequence text cannot
print a line of its own (a fake ``Outcome:`` line, an ANSI colour, a carriage return)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from summitsim.model import SummitModel
from summitsim.scenario import load_scenario
from summitsim.terminal_text import printable
from summitsim.timeline import account_text

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = str(Path(sys.executable).parent / "summitsim")
BUDAPEST_TEXT = (ROOT / "scenarios" / "v1" / "budapest_2025.yaml").read_text(encoding="utf-8")
#: Dollars in the title, an issue's label and scale, and a principal's name. A ``$...$``
#: pair that is not valid mathtext (``^`` or ``_`` with nothing after it) made matplotlib
#: raise ValueError when the figure was drawn; a valid pair silently lost its dollars.
DOLLARS = {
    "title: Budapest summit, October 2025": 'title: "Budapest: aid of $2^$ in tariffs"',
    "label: Territory": 'label: "Territory ($5^$ a km2)"',
    "name: Donald Trump": 'name: "Donald $Trump_$"',
    'low: "freeze at the line of contact"': 'low: "freeze at the line, $0 cost"',
}
#: A consequence of the Budapest outcome (cancelled by us) that tries to write its own
#: lines: a newline and a fake outcome, a carriage return, an ANSI "erase line".
FORGED = "US sanctions Rosneft\nOutcome: summit by us\r\x1b[2Kfine"
FORGED_YAML = 'text: "US sanctions Rosneft\\nOutcome: summit by us\\r\\e[2Kfine"'
SANCTIONS = (
    "text: US sanctions Rosneft and Lukoil; the Treasury urges Moscow to agree to an "
    "immediate ceasefire"
)


def hostile_copy(folder: Path) -> Path:
    text = BUDAPEST_TEXT
    for old, new in {**DOLLARS, SANCTIONS: FORGED_YAML}.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / "dollars.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_copy(tmp_path_factory.mktemp("literal"))


def summitsim(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SCRIPT, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_the_scenario_reads_as_written(hostile: Path) -> None:
    scenario = load_scenario(hostile)
    assert scenario.title == "Budapest: aid of $2^$ in tariffs"
    assert FORGED in [c.text for c in scenario.consequences]


def test_run_plot_draws_dollars_literally(hostile: Path, tmp_path: Path) -> None:
    done = summitsim("run", hostile, "--plot", tmp_path / "run.png", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "run.png").read_bytes().startswith(b"\x89PNG")


def test_sweep_plot_draws_dollars_literally(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    done = summitsim(
        "sweep",
        hostile,
        "--over",
        "trump.softness=0:1:3",
        "--trials",
        "200",
        "--out",
        out,
        "--quiet",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert [p.name for p in out.glob("*.png")], sorted(p.name for p in out.iterdir())


@pytest.mark.parametrize(
    "command, figure",
    [
        (["sensitivity", "--method", "sobol", "--samples", "4"], "sobol.png"),
        (["sensitivity", "--method", "morris", "--samples", "4"], "morris.png"),
        (["discover", "--samples", "100"], "tradeoff.png"),
    ],
    ids=["sobol", "morris", "discover"],
)
def test_analysis_figures_draw_dollars_literally(
    hostile: Path, tmp_path: Path, command: list[str], figure: str
) -> None:
    factors = ["--factor", "putin.softness=0:1", "--factor", "putin.trust=0:1"]
    name, *options = command
    done = summitsim(
        name,
        hostile,
        *factors,
        *options,
        "--trials",
        "5",
        "--out",
        tmp_path,
        "--quiet",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / figure).read_bytes().startswith(b"\x89PNG")


def test_the_page_panels_draw_dollars_literally(hostile: Path) -> None:
    from summitsim.figures import panels

    model = classroom_model(hostile)
    for build in (panels.offers_figure, panels.values_figure, panels.utility_space_figure):
        assert panels.figure_png(build(model)).startswith(b"\x89PNG")
    texts = [t.get_text() for t in panels.values_figure(model).findobj(match=_is_text)]
    assert any("Donald $Trump_$" in t for t in texts), texts


def classroom_model(path: Path) -> SummitModel:
    """The classroom page's model of ``path`` at its sliders' first values, run to the end."""
    from summitsim.demo import app

    model = app.ClassroomModel(
        **app.initial_values(app.model_params(str(path), load_scenario(path)))
    )
    model.run()
    return model


def _is_text(artist: object) -> bool:
    return isinstance(artist, Text)


def test_the_account_shows_control_characters_escaped(hostile: Path) -> None:
    model = SummitModel(load_scenario(hostile))
    model.run()
    text = account_text(model)
    assert "\r" not in text and "\x1b" not in text
    outcome_lines = [line for line in text.splitlines() if line.startswith("Outcome:")]
    assert outcome_lines == [text.splitlines()[-1]]
    assert outcome_lines[0].startswith("Outcome: cancelled by us")
    assert "US sanctions Rosneft\\nOutcome: summit by us\\r\\x1b[2Kfine" in text


def test_printable_by_hand() -> None:
    assert printable("plain text, $5 and ü") == "plain text, $5 and ü"
    assert printable("a\nb\tc\r") == "a\\nb\\tc\\r"
    assert printable("\x1b[31mred\x07") == "\\x1b[31mred\\x07"
    # a right-to-left override would reorder what follows it on the screen
    assert printable("abc\u202edef") == "abc\\u202edef"


#: A title that tries to add a line of its own to a printed summary and colour the screen.
FORGED_TITLE_YAML = 'title: "Budapest\\nTipping point: forged\\e[31m"'
FORGED_TITLE_SHOWN = "Budapest\\nTipping point: forged\\x1b[31m"


@pytest.fixture(scope="module")
def forged_title(tmp_path_factory: pytest.TempPathFactory) -> Path:
    old = "title: Budapest summit, October 2025"
    assert BUDAPEST_TEXT.count(old) == 1
    path = tmp_path_factory.mktemp("title") / "title.yaml"
    path.write_text(BUDAPEST_TEXT.replace(old, FORGED_TITLE_YAML), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["sweep", "--over", "putin.softness=0:1:2", "--trials", "200", "--quiet"],
        ["whatif", "--lever", "putin.softness", "--trials", "200", "--quiet"],
        ["sensitivity", "--method", "oat", "--factor", "putin.softness=0:1", "--trials", "100"],
        ["discover", "--factor", "putin.softness=0:1", "--samples", "10", "--trials", "50"],
        ["baselines", "--trials", "200"],
    ],
    ids=lambda command: command[0],
)
def test_printed_summaries_show_the_title_escaped(
    forged_title: Path, tmp_path: Path, command: list[str]
) -> None:
    """Every command that prints a scenario's title prints it escaped: one line, no
    escape sequence reaching the terminal."""
    name, *flags = command
    out = ["--out", tmp_path / "out"] if name in ("sweep", "sensitivity", "discover") else []
    done = summitsim(name, forged_title, *flags, *out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout
    assert FORGED_TITLE_SHOWN in done.stdout
    assert not any(line.startswith("Tipping point: forged") for line in done.stdout.splitlines())


#: A valid mathtext pair: matplotlib's maths would draw an italic x and drop both dollars.
VALID_PAIR = "Donald $x$ Trump"


def test_a_valid_dollar_pair_keeps_its_dollars(hostile: Path) -> None:
    """A ``$...$`` pair that is valid mathtext is still drawn as written: every text of the
    run figure and the page panels is drawn without maths, and the pair is as wide on the
    image as the same characters in plain text (maths would draw one italic letter)."""
    from summitsim.figures import panels
    from summitsim.figures.run import run_figure

    path = hostile.with_name("valid_pair.yaml")
    path.write_text(
        hostile.read_text(encoding="utf-8").replace("Donald $Trump_$", VALID_PAIR),
        encoding="utf-8",
    )
    model = classroom_model(path)
    run = SummitModel(load_scenario(path))
    run.run()
    figures = [run_figure(run)] + [
        build(model)
        for build in (panels.offers_figure, panels.values_figure, panels.utility_space_figure)
    ]
    texts = [t for figure in figures for t in figure.findobj(match=_is_text)]
    assert all(not t.get_parse_math() for t in texts)
    pair = next(t for t in texts if VALID_PAIR in t.get_text())
    figure = next(f for f in figures if pair in f.findobj(match=_is_text))
    renderer = FigureCanvasAgg(figure).get_renderer()
    width = pair.get_window_extent(renderer).width
    literal, maths = (_width_of(pair, figure, renderer, parse_math) for parse_math in (False, True))
    assert abs(maths - literal) > 5  # maths drops the two dollars: this test can tell
    assert width == pytest.approx(literal, abs=0.5)


def _width_of(text: Text, figure: Figure, renderer: RendererAgg, parse_math: bool) -> float:
    """The width on the image of ``text``'s string in its font, drawn with or without maths."""
    other = Text(0, 0, text.get_text(), fontproperties=text.get_fontproperties())
    other.set_parse_math(parse_math)
    other.set_figure(figure)
    return float(other.get_window_extent(renderer).width)
