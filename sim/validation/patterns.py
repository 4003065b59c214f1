"""The six published patterns the model must reproduce, each with its decision rule.

Every pattern is read from one table of runs (``runs.csv`` of
``experiments/validation.yaml``): replicate k of every scenario shares its seed
(common random numbers), so every comparison is paired. Horizon: 260 weeks (5 years);
a run without a renewed armed attack is censored there.

Patterns 1 and 4 are the calibration targets (``sim.calibration.targets``): the fit sees
them, so they are checks that the calibrated model reaches them, not validation. Their range
is the target plus or minus its scale. Patterns 2, 3, 5 and 6 are never used in fitting.

Decision rules (each pattern's ``rule`` below; docs/VALIDATION.md shows them with the results):

1. Base rate: P(escalation within 5 years | budapest_memorandum) in the target's range.
2. Each mechanism helps, none is a guarantee: for each single-mechanism variant, the
   upper bound of the 95% interval of its Cox hazard ratio against budapest_memorandum
   is below 1, and the lower bound of the Wilson 95% interval of its P(escalation) is
   above 0.
3. The force deters by its combat power: the Cox hazard ratio of the force at twice its
   pledges against the force as pledged has its upper 95% bound below 1.
4. Binding commitments alone: their hazard ratio (point estimate) in the target's range.
5. Monitors cut wars and do not breed skirmishes: the paired-bootstrap 95% interval of the
   reduction of P(escalation) is above 0, and that of the reduction of probes per week at
   peace does not lie below 0.
6. Ordering: for each adjacent pair, the Newcombe paired 95% interval of the difference
   in P(escalation) lies above 0 for '>' and does not lie below 0 for '>=' (upper bound
   >= 0), on the same replicates in both modes.

For a range target (1, 4) the verdict uses the point estimate, and the pattern is *decided*
when the whole interval lies inside the range (or wholly outside it). An interval rule is
decided when its interval excludes the threshold; quick mode leaves a pass of 5 undecided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from sim.calibration.targets import BY_KEY as CALIBRATION_TARGETS
from sim.experiments.statistics import cox_hazard_ratio
from sim.validation import measures as M

REFERENCE = "budapest_memorandum"
MONITORING = "budapest_monitoring"
FORCE = "budapest_force"
BINDING = "budapest_binding"
VARIANTS: dict[str, str] = {  # scenario name -> mechanism switched on, alone
    MONITORING: "monitoring with attribution (G1)",
    FORCE: "multinational force (G3)",
    BINDING: "binding commitments (G4)",
}
ORDER: tuple[str, ...] = ("budapest_memorandum", "minsk_analogue", "political_only", "paris_declaration",
                          "article5_like")
RELATIONS: tuple[str, ...] = (">=", ">", ">", ">")
CLOSE_PAIR = ("political_only", "paris_declaration")  # the pair that needs the most runs to decide
HORIZON_WEEKS = 260

FORCE_DOUBLE = "budapest_force_double"


def _target_range(key: str) -> tuple[float, float]:
    """A calibration target as a range: its published value plus or minus its scale."""
    t = CALIBRATION_TARGETS[key]
    return (round(t.value - t.scale, 4), round(t.value + t.scale, 4))


# Patterns 1 and 4 are the calibration targets (sim.calibration.targets): the fit sees them, so
# they are checks that the calibrated model reaches its targets, not validation.
BASE_RATE_TARGET = _target_range("base_rate")
BINDING_HR_TARGET = _target_range("hr_binding")
_BASE, _BINDING = CALIBRATION_TARGETS["base_rate"], CALIBRATION_TARGETS["hr_binding"]


@dataclass(frozen=True)
class Measure:
    """One measured quantity: a row of a pattern's table."""

    label: str
    value: float
    low: float
    high: float
    target: str
    passed: bool | None  # None: reported, not judged
    note: str = ""
    unit: str = ""


@dataclass(frozen=True)
class PatternResult:
    pattern: "Pattern"
    passed: bool
    decided: bool
    measured: str  # one line: the headline measurement with its interval
    measures: tuple[Measure, ...]
    note: str = ""
    extra: dict = field(default_factory=dict)  # numbers the figures need

    @property
    def verdict(self) -> str:
        return "PASS" if self.passed else "FAIL"


@dataclass(frozen=True)
class Pattern:
    id: int
    key: str
    name: str
    claim: str
    source: str
    target: str
    rule: str
    evaluate: Callable[[pd.DataFrame, bool], PatternResult]
    quick_rule: str = ""
    kind: str = "validation"  # 'calibration': a target the fit sees (a check, not a test)


def _runs(runs: pd.DataFrame, scenario: str) -> pd.DataFrame:
    sub = runs[runs["scenario"] == scenario]
    if sub.empty:
        raise ValueError(f"no runs of scenario {scenario!r}: is it in experiments/validation.yaml?")
    return sub


def _inside(x: float, lo: float, hi: float) -> bool:
    return lo <= x <= hi


def _range_decided(low: float, high: float, lo: float, hi: float) -> bool:
    return (lo <= low and high <= hi) or high < lo or low > hi


def _ci(x: float, lo: float, hi: float, digits: int = 3) -> str:
    return f"{x:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


# --- 1 --------------------------------------------------------------------------------------

def base_rate(runs: pd.DataFrame, quick: bool = False) -> PatternResult:
    p = M.escalation_probability(_runs(runs, REFERENCE))
    lo, hi = BASE_RATE_TARGET
    passed = _inside(p.p, lo, hi)
    m = Measure("P(escalation within 5 years), budapest_memorandum", p.p, p.low, p.high,
                f"{lo:.2f}-{hi:.2f}", passed, f"{p.k} of {p.n} runs; Wilson 95% interval", "probability")
    return PatternResult(PATTERNS[0], passed, _range_decided(p.low, p.high, lo, hi), _ci(p.p, p.low, p.high),
                         (m,), extra={"p": p})


# --- 2 --------------------------------------------------------------------------------------

def mechanisms(runs: pd.DataFrame, quick: bool = False) -> PatternResult:
    ref = _runs(runs, REFERENCE)
    rows, hrs, ps = [], {}, {}
    ok = True
    for scen, label in VARIANTS.items():
        var = _runs(runs, scen)
        hr = cox_hazard_ratio(ref, var)
        p = M.escalation_probability(var)
        hrs[scen], ps[scen] = hr, p
        hr_ok, p_ok = hr.high < 1.0, p.low > 0.0
        ok &= hr_ok and p_ok
        rows.append(Measure(f"hazard ratio, {label}", hr.hr, hr.low, hr.high, "upper 95% < 1", hr_ok,
                            f"Cox PH vs budapest_memorandum, {hr.runs} runs, events {hr.events_variant} vs "
                            f"{hr.events_reference}; PH test p = {hr.ph_p_value:.2g}", "ratio"))
        rows.append(Measure(f"P(escalation), {label}", p.p, p.low, p.high, "lower 95% > 0", p_ok,
                            f"{p.k} of {p.n} runs", "probability"))
    head = "; ".join(f"{VARIANTS[s].split(' (')[0]} HR {_ci(h.hr, h.low, h.high, 2)}" for s, h in hrs.items())
    return PatternResult(PATTERNS[1], ok, ok or any(h.low > 1.0 for h in hrs.values()), head, tuple(rows),
                         extra={"hr": hrs, "p": ps})


# --- 3 and 4 --------------------------------------------------------------------------------

def _hr_in_range(runs: pd.DataFrame, scen: str, target: tuple[float, float], index: int) -> PatternResult:
    hr = cox_hazard_ratio(_runs(runs, REFERENCE), _runs(runs, scen))
    lo, hi = target
    passed = _inside(hr.hr, lo, hi)
    m = Measure(f"hazard ratio, {VARIANTS[scen]} vs none", hr.hr, hr.low, hr.high, f"{lo:.2f}-{hi:.2f}", passed,
                f"Cox PH, cluster-robust 95% interval; {hr.runs} runs; PH test p = {hr.ph_p_value:.2g}", "ratio")
    cut = Measure("hazard reduction (1 - HR)", 1 - hr.hr, 1 - hr.high, 1 - hr.low,
                  f"{1 - hi:.0%}-{1 - lo:.0%}", None, "", "share")
    return PatternResult(PATTERNS[index], passed, _range_decided(hr.low, hr.high, lo, hi),
                         f"HR {_ci(hr.hr, hr.low, hr.high)}", (m, cut), extra={"hr": hr, "target": target})


def force_size(runs: pd.DataFrame, quick: bool = False) -> PatternResult:
    """The force deters by its combat power: twice the force, a lower hazard than the force."""
    force, double = _runs(runs, FORCE), _runs(runs, FORCE_DOUBLE)
    hr = cox_hazard_ratio(force, double)
    alone = cox_hazard_ratio(_runs(runs, REFERENCE), force, test_ph=False)
    passed = hr.high < 1.0
    rows = (
        Measure("hazard ratio, force at twice its pledges vs the force as pledged", hr.hr, hr.low, hr.high,
                "upper 95% < 1", passed, f"Cox PH, cluster-robust 95% interval; {hr.runs} runs, events "
                f"{hr.events_variant} vs {hr.events_reference}; PH test p = {hr.ph_p_value:.2g}", "ratio"),
        Measure("hazard ratio, the force as pledged vs none", alone.hr, alone.low, alone.high, "", None,
                "reported, not judged: no published interstate effect size was found with its uncertainty",
                "ratio"),
    )
    return PatternResult(PATTERNS[2], passed, passed or hr.low > 1.0, f"HR {_ci(hr.hr, hr.low, hr.high)}", rows,
                         extra={"hr": hr, "alone": alone, "target": None})


def alliance_size(runs: pd.DataFrame, quick: bool = False) -> PatternResult:
    return _hr_in_range(runs, BINDING, BINDING_HR_TARGET, 3)


# --- 5 --------------------------------------------------------------------------------------

def monitors(runs: pd.DataFrame, quick: bool = False) -> PatternResult:
    ref, var = _runs(runs, REFERENCE), _runs(runs, MONITORING)
    r = M.paired_bootstrap_reductions(ref, var)
    hr = cox_hazard_ratio(ref, var, test_ph=False)
    # The source supports fewer wars, and no clear effect on the onset of small violence: a pass
    # needs the cut in wars (lower 95% > 0) and no significant rise in probes (upper 95% of their
    # reduction >= 0). More probes under monitors is what the source does not support.
    passed = r.major_low > 0.0 and r.probe_high >= 0.0
    rows = (
        Measure("reduction of P(escalation) (major breakdowns)", r.major, r.major_low, r.major_high,
                "lower 95% > 0", r.major_low > 0.0,
                f"1 - P(monitoring)/P(none); Cox: 1 - HR = {1 - hr.hr:.3f} [{1 - hr.high:.3f}, {1 - hr.low:.3f}]",
                "share"),
        Measure("reduction of probes per week at peace (minor violations)", r.probe, r.probe_low, r.probe_high,
                "upper 95% >= 0 (not more probes)", r.probe_high >= 0.0, f"rate {r.probe_rate_variant:.4f} vs {r.probe_rate_reference:.4f} probes a week at peace",
                "share"),
        Measure("reduction of limited offensives per week at peace", r.limited, r.limited_low, r.limited_high,
                "", None, "reported, not judged: a limited offensive is more than a skirmish", "share"),
        Measure("difference: major minus minor", r.gap, r.gap_low, r.gap_high, "", None,
                f"reported; paired bootstrap over {r.pairs} pairs, {r.resamples} resamples", "share"),
    )
    head = (f"cut in major breakdowns {r.major:.0%} [{r.major_low:.0%}, {r.major_high:.0%}] vs cut in probes "
            f"{r.probe:.0%} [{r.probe_low:.0%}, {r.probe_high:.0%}]")
    # A failure is decided by significance; a pass ("no significant rise in probes") only by the
    # full run's power: quick mode leaves a pass undecided.
    decided = r.major_high < 0.0 or r.probe_high < 0.0 or (passed and not quick)
    return PatternResult(PATTERNS[4], passed, decided, head, rows, extra={"reductions": r})


# --- 6 --------------------------------------------------------------------------------------

def ordering(runs: pd.DataFrame, quick: bool = False) -> PatternResult:
    rows, diffs, probs = [], [], {}
    ok, decided = True, True
    notes = []
    for s in ORDER:
        probs[s] = M.escalation_probability(_runs(runs, s))
    for (a, b), rel in zip(zip(ORDER, ORDER[1:]), RELATIONS):
        d = M.paired_difference(runs, a, b)
        diffs.append((d, rel))
        if rel == ">=":
            good, target = d.high >= 0.0, "upper 95% >= 0"
        else:
            good, target = d.low > 0.0, "lower 95% > 0"
        note = (f"{d.pairs} pairs; only {a} escalated in {d.only_a}, only {b} in {d.only_b}; "
                f"McNemar p = {d.p_value:.2g}")
        ok &= good
        rows.append(Measure(f"P({a}) - P({b}), '{rel}'", d.diff, d.low, d.high, target, good, note,
                            "probability"))
    chain = " ".join(f"{s} {probs[s].p:.3f}" + (f" {rel}" if i < len(RELATIONS) else "")
                     for i, (s, rel) in enumerate(zip(ORDER, (*RELATIONS, ""))))
    return PatternResult(PATTERNS[5], ok, decided and ok, chain, tuple(rows), "; ".join(notes),
                         extra={"p": probs, "diffs": diffs})


PATTERNS: tuple[Pattern, ...] = (
    Pattern(1, "base_rate", "Base rate of renewed war (calibration target)",
            "With no guarantees at all, war resumes in almost half of ceasefires.",
            f"{_BASE.source}. A calibration target: the fit sees it.",
            f"P(escalation within 5 years | budapest_memorandum) in [{BASE_RATE_TARGET[0]:.2f}, "
            f"{BASE_RATE_TARGET[1]:.2f}] (target {_BASE.value:g}, scale {_BASE.scale:g})",
            f"pass when the point estimate is in [{BASE_RATE_TARGET[0]:.2f}, {BASE_RATE_TARGET[1]:.2f}]; Wilson "
            f"95% interval reported", base_rate, kind="calibration"),
    Pattern(2, "mechanisms", "Each mechanism helps, none is a guarantee",
            "Monitoring with attribution, a peacekeeping force, or binding commitments, switched on alone, each "
            "lowers the hazard of renewed war; none removes it.",
            "Fortna (2003), \"Scraps of Paper? Agreements and the Durability of Peace\", International "
            "Organization 57(2): peacekeeping, third-party guarantees and joint commissions 'affect the duration "
            "of peace'; Fortna (2004), World Politics 56(4): peacekeeping between states 'significantly "
            "increases the chances that peace will last'. Partly true by construction (section 2).",
            "every single-mechanism HR < 1 (upper 95% < 1) and every P(escalation) > 0 (lower 95% > 0)",
            "pass when, for each of the three variants, the Cox HR's upper 95% bound is below 1 and the Wilson "
            "lower 95% bound of P(escalation) is above 0", mechanisms),
    Pattern(3, "force_size", "The force deters by its combat power",
            "A larger force deters more: what deters is the combat power a force brings, not a tripwire's "
            "symbolism, so twice the force lowers the hazard of renewed war below that of the force as pledged.",
            "Reiter & Poast (2021), 'The Truth about Tripwires', Texas National Security Review: combat power, "
            "not the tripwire's symbolism, deters. No published interstate effect size of peacekeeping was found "
            "with its uncertainty, so the size of the force's effect is reported, not judged.",
            "HR(force at 2x its pledges vs the force as pledged) < 1 (upper 95% < 1)",
            "pass when the Cox HR's upper 95% bound is below 1", force_size),
    Pattern(4, "alliance_size", "Alliance-size effect (calibration target)",
            "Binding defence commitments alone lower the hazard of attack modestly, not to zero.",
            "Benson (2011), Journal of Politics 73(4): an 18% cut in initiation for alliances whose commitment "
            "applies if the adversary attacks; Kenwick & Vasquez (2017) find no deterrent effect. A calibration "
            "target: the fit sees it.",
            f"binding-alone HR in [{BINDING_HR_TARGET[0]:.2f}, {BINDING_HR_TARGET[1]:.2f}] (target "
            f"{_BINDING.value:g}, scale {_BINDING.scale:g})",
            f"pass when the Cox HR point estimate is in [{BINDING_HR_TARGET[0]:.2f}, {BINDING_HR_TARGET[1]:.2f}]; "
            f"decided when the whole 95% interval is inside", alliance_size, kind="calibration"),
    Pattern(5, "monitors", "Monitors cut wars, and do not breed skirmishes",
            "Monitoring cuts major breakdowns; its effect on small violations is unclear, but it does not make "
            "them more frequent.",
            "Ruggeri, Dorussen & Gizelis (2017), 'Winning the Peace Locally', International Organization 71(1): "
            "peacekeepers shorten local conflict episodes, while 'the effect of peacekeeping on the onset of "
            "local conflict is, however, less clear cut'; Fortna (2003) for the cut in renewed war.",
            "reduction of P(escalation) > 0 (lower 95% > 0) and probes per week at peace not more frequent "
            "(upper 95% of their reduction >= 0)",
            "pass when the paired-bootstrap 95% interval of the reduction of P(escalation) is above 0 and that of "
            "the reduction of the probe rate per week at peace does not lie below 0", monitors),
    Pattern(6, "ordering", "Ordering of the named designs",
            "P(escalation): budapest_memorandum >= minsk_analogue > political_only > paris_declaration > "
            "article5_like.",
            "Follows from patterns 1-4 and the record of the Budapest Memorandum (1994) and the Minsk "
            "agreements (2015-2022); Article 5 as the upper bound.",
            "budapest >= minsk > political_only > paris > article5",
            "'>': the Newcombe paired 95% interval of the difference is above 0; '>=': its upper bound is >= 0",
            ordering),
)


def evaluate_all(runs: pd.DataFrame, quick: bool = False) -> list[PatternResult]:
    """Every pattern's verdict from one table of runs."""
    return [p.evaluate(runs, quick) for p in PATTERNS]


def smallest_deciding_pairs(runs: pd.DataFrame, a: str, b: str, *, step: int = 100) -> int | None:
    """Smallest number of pairs n (replicates 0..n-1, in steps) from which on the Newcombe
    interval of P(a) - P(b) stays above 0 for every larger n in the data; None if never."""
    reps = sorted(set(_runs(runs, a)["replicate"]) & set(_runs(runs, b)["replicate"]))
    if not reps:
        return None
    top = len(reps)
    sizes = list(range(step, top + 1, step)) + ([top] if top % step else [])
    ok = [M.paired_difference(runs[runs["replicate"] < n], a, b).low > 0.0 for n in sizes]
    if not ok[-1]:
        return None
    first = len(ok) - 1
    while first > 0 and ok[first - 1]:
        first -= 1
    return sizes[first]
