"""The decomposition of a design's effect by mechanism (issue 19, item 3) and the paired runs under it."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import ConfigError, parameter_catalogue
from sim.experiments.channels import CHANNELS, Channel, Design, decompose, main, page
from sim.experiments.paired import contrast, difference, paired_runs, values

WEEKS = 104
REPS = 12
# Two designs that differ only in what the Coalition's intelligence sees: the difference acts
# through warning alone.
SEES_LESS = Design("paris_declaration", {"warning.coalition_intelligence_detection": 0.0}, "sees less")
SEES_MORE = Design("paris_declaration", {"warning.coalition_intelligence_detection": 0.9}, "sees more")
WORLD = {"russia.ambition": 2.0}


def test_every_channel_switches_off_parameters_of_the_schema():
    cat = parameter_catalogue()
    for ch in CHANNELS:
        assert ch.off and ch.what
        for path in ch.off:
            assert path in cat, (ch.name, path)
    assert [c.name for c in CHANNELS] == ["denial", "support", "punishment", "warning", "politics"]


@pytest.fixture(scope="module")
def warning_only():
    chans = [c for c in CHANNELS if c.name in ("warning", "punishment")]
    return decompose(SEES_LESS, SEES_MORE, outcome="indicators_detected", channels=chans, world=WORLD,
                     replications=REPS, weeks=WEEKS, master_seed=7)


def test_a_difference_through_one_channel_is_all_that_channels_share(warning_only):
    d = warning_only
    assert d.total.mean > 0 and d.total.higher > d.total.lower  # seeing more detects more indicators
    warning = next(c for c in d.channels if c.channel == "warning")
    # with warning off both designs detect nothing: identical on every seed, so the share is the total
    assert warning.without.higher == warning.without.lower == 0 and warning.without.mean == 0
    assert warning.share.mean == pytest.approx(d.total.mean)
    assert d.residual.mean == 0
    # the parts add up: total = residual + shares + interaction, the interaction stated
    shares = sum(c.share.mean for c in d.channels)
    assert d.total.mean == pytest.approx(d.residual.mean + shares + d.interaction)
    table = d.table()
    assert list(table.configuration) == ["all channels on", "punishment off", "warning off", "all channels off"]
    assert table.loc[2, "share_of_total"] == pytest.approx(1.0)


def test_the_total_is_the_paired_difference_of_the_two_designs(warning_only):
    a, b = paired_runs([SEES_LESS.configured(WORLD), SEES_MORE.configured(WORLD)], REPS, 7, weeks=WEEKS)
    direct = difference(a, b, "indicators_detected")
    assert direct.mean == pytest.approx(warning_only.total.mean)
    assert (direct.low, direct.high) == (pytest.approx(warning_only.total.low), pytest.approx(warning_only.total.high))
    mean_a, mean_b = warning_only.means["all channels on"]
    assert (mean_a, mean_b) == (pytest.approx(values(a, "indicators_detected").mean()),
                                pytest.approx(values(b, "indicators_detected").mean()))


def test_a_channel_neither_design_uses_has_no_share():
    """Negative control: the force's alert boost acts only with the force_alert measure, which the
    Paris design does not take, so switching it off changes no run of either design."""
    idle = Channel("force alert", {"warning.force_alert_boost": 0.0}, "the alert's boost")
    d = decompose("budapest_memorandum", "paris_declaration", outcome="preparations_major", channels=[idle],
                  world=WORLD, replications=6, weeks=WEEKS, master_seed=3)
    (share,) = d.channels
    assert share.share.higher == share.share.lower == 0 and share.share.mean == 0
    assert share.without.mean == pytest.approx(d.total.mean)


def test_the_page_says_what_the_numbers_say(warning_only):
    text = page([warning_only], "python -m sim.experiments.channels x y")
    assert "## sees more against sees less" in text and "| warning off |" in text
    for ch in CHANNELS:
        assert f"| {ch.name} |" in text
    assert "interaction" in warning_only.note() and "100%" in warning_only.to_markdown()


def test_contrast_statistics():
    c = contrast(np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, np.nan]))
    assert (c.n, c.higher, c.lower, c.ties) == (7, 6, 0, 1)
    assert c.decided and c.sign == 1 and c.p_value == pytest.approx(2 * 0.5 ** 6)
    tie = contrast(np.zeros(10))
    assert not tie.decided and tie.sign == 0 and tie.low == tie.high == 0


def test_bad_input_is_explained(capsys):
    assert main(["paris_declaration", "budapest_memorandum", "--world", "russia.ambitio=2", "--replications",
                 "2"]) == 2
    err = capsys.readouterr().err
    assert "russia.ambitio" in err and "Traceback" not in err
    with pytest.raises(KeyError):
        decompose("paris_declaration", "budapest_memorandum", outcome="no_such_column", replications=2)
    with pytest.raises(ConfigError):
        decompose("paris_declaration", {"scenario": "budapest_memorandum", "params": {"force.size": -1}},
                  replications=2)
