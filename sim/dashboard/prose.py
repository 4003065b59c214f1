"""Reading the model's event text (``detail``) while events carry no fields: TO BE REPLACED.

Every regular expression over the model's prose lives here, and only here, until the
model's events carry identities and typed fields (issue 17); then this module goes and
:mod:`sim.dashboard.story` and :mod:`sim.dashboard.chain` read the fields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from sim.dashboard.words import ACTORS, LEVEL_NOUNS, RUSSIA, UKRAINE, day_text, kind_info, weeks_text
from sim.ladder import RESPONSE_TYPES

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def plain(text: str) -> str:
    """Generic clean-up of the model's wording: '1 weeks', snake_case words, CamelCase names, ISO dates."""
    text = re.sub(r"\b1 weeks\b", "1 week", text)
    text = _ISO_DATE.sub(lambda m: day_text(dt.date(*map(int, m.groups()))), text)
    text = re.sub(r"\b([a-z]+(?:_[a-z]+)+)\b", lambda m: m.group(1).replace("_", " "), text)
    for raw, nice in ACTORS.items():
        text = text.replace(raw, nice)
    return text


_DETECTION = re.compile(r"(\w+) violation by (\w+) detected; report attributes it to (\w+)")
_ATTRIBUTED = re.compile(r"attributed to (\w+) \(evidence ([\d.]+); perpetrator: (\w+)\)")
_BELOW = re.compile(r"evidence ([\d.]+) below threshold ([\d.]+)")
_NOT_REACHED = re.compile(r"(.+) not reached")
_MEASURES = re.compile(r"corrective measures against (\w+): (.*)")
_AD_HOC = re.compile(r"ad hoc responses in (\d+) weeks?")
_FALSE_ALARM = re.compile(r"blaming (\w+)")
_SHORTER = re.compile(r"^(.*?) in (\d+) weeks? instead of (\d+)")
_DEMARCHE = re.compile(r"demarche to (\w+)")
_PROBE = re.compile(r"grey-zone violation(?: \((\w+)\))?: (.*)")
_PROBE_DURING = {"compliant": " (incidental)", "pressure": " (pressure campaign)",
                 "preparing": " (while preparing an offensive)"}
LEVEL_NOUNS = {"probe": "probe", "limited": "limited offensive", "major": "renewed armed attack"}
_SIGNS = re.compile(r"(\d+) observable sign")
_WARNING = re.compile(r"(\d+) signs in (\d+) weeks: warning issued; pre-agreed measures in (\d+) weeks?")
_STRUCK = re.compile(r"troops of (.+) struck")
_SHOCK = re.compile(r"^(.*?): ((?:[a-z_]+\.[a-z_]+ = [^,]+(?:, )?)+)$")
_SECTION_WORDS = {"united_states": "US", "force": "force", "monitoring": "monitoring", "sanctions": "sanctions",
                  "warning": "warning", "commission": "commission", "support": "support",
                  "commitments": "commitments", "cooperation": "cooperation", "ratification": "ratification",
                  "coordination_cell": "coordination cell"}


def _setting(path: str, value: str) -> str:
    """'united_states.leads_monitoring = False' -> 'US leads monitoring: no'."""
    section, _, name = path.partition(".")
    value = {"True": "yes", "False": "no", "true": "yes", "false": "no"}.get(value.strip(), value.strip())
    words = name.replace("_", " ")
    head = _SECTION_WORDS.get(section, section.replace("_", " "))
    return f"{head} {words}: {value.replace('_', ' ')}"


def struck_nations(detail: str) -> list[str]:
    """The nations whose troops a 'casualties' event names."""
    m = _STRUCK.search(detail)
    return [n.strip() for n in m.group(1).split(",")] if m else []


def measures_text(raw: str) -> str:
    items = [m.strip().replace("_", " ") for m in raw.split(",") if m.strip() and m.strip() != "none"]
    return ", ".join(items) if items else "no measures of its own"


def describe(kind: str, actor: str, level: str, detail: str) -> str:
    """One plain sentence for an event (generic for kinds not handled here)."""
    lvl = f"{level} " if level else ""
    if kind == "violation":
        if actor == RUSSIA and level == "limited":
            return f"Limited offensive by Russia: {plain(detail).replace('local offensive ', '')}."
        if actor == RUSSIA and (m := _PROBE.search(detail)):
            during = _PROBE_DURING.get(m.group(1) or "", "")
            return f"Probe by Russia{during}: {plain(m.group(2))}."
        if actor == RUSSIA:
            return f"Probe by Russia: {plain(detail)}."
        return f"{level.capitalize() or 'Violation'} by {actor}: {plain(detail)}."
    if kind == "escalation":
        return "Renewed armed attack by Russia: the binding commitments (G4) are called on."
    if kind == "detection" and (m := _DETECTION.search(detail)):
        lvl_, who, blamed = m.groups()
        wrong = "" if who == blamed else f" (wrong: it was {who})"
        return f"Monitoring saw the {LEVEL_NOUNS.get(lvl_, lvl_)} by {who}; its report blames {blamed}{wrong}."
    if kind == "false_alarm" and (m := _FALSE_ALARM.search(detail)):
        return f"False alarm: a report of a probe that did not happen, blaming {m.group(1)}."
    if kind == "attribution":
        if m := _BELOW.search(detail):
            return (f"Commission: not attributed, evidence {m.group(1)} is below the threshold "
                    f"{m.group(2)}; nobody is answered.")
        if m := _ATTRIBUTED.search(detail):
            to, ev, truth = m.groups()
            if truth == "nobody":
                return f"Commission blames {to} for a violation that did not happen (evidence {ev})."
            if to != truth:
                return f"Commission blames {to} for {truth}'s {lvl}violation (evidence {ev}): a misattribution."
            return f"Commission attributes the {lvl}violation to {to} (evidence {ev})."
    if kind == "decision":
        if m := _NOT_REACHED.search(detail):
            return f"Commission: the {m.group(1)} was not reached, so no corrective measures."
        if m := _MEASURES.search(detail):
            target, raw = m.groups()
            text = f"Commission orders against {target}: {measures_text(raw)}."
            if level == "major":
                text += " The weight of the answer to an attack is the states' G4 responses that follow."
            return text
        if m := _AD_HOC.search(detail):
            return (f"No commission: the attack is self-evident; states decide ad hoc, responses in "
                    f"{weeks_text(m.group(1))}.")
    if kind == "coordination" and (m := _SHORTER.search(detail)):
        stage, short, long = m.groups()
        return f"{stage[:1].upper() + stage[1:]} takes {weeks_text(short)} instead of {weeks_text(long)}."
    if kind == "response":
        binding, _, types = detail.partition(": ")
        return f"{actor} responds ({binding}): {types}."
    if kind == "campaign":
        text = plain(detail)
        return text[:1].upper() + text[1:] + "."
    if kind == "indicator" and (m := _SIGNS.search(detail)):
        n = int(m.group(1))
        signs = "1 sign" if n == 1 else f"{n} signs"
        return (f"Russia's preparation ({level}) gives off {signs} (build-up, logistics, intensified "
                "violations): seen only if monitoring or intelligence detects them.")
    if kind == "indicator_detected":
        if "false positive" in detail:
            return "Reported a sign of preparation that is not one (a false positive)."
        return "Detected a sign of an offensive being prepared (build-up, logistics)."
    if kind == "warning" and (m := _WARNING.search(detail)):
        n, window, delay = m.groups()
        when = "at once" if int(delay) == 0 else f"in {weeks_text(delay)}"
        return (f"Warning issued: {n} signs of preparation in {window} weeks; Ukraine's readiness and the "
                f"pre-agreed measures follow {when}.")
    if kind == "warning_measure":
        return f"Warning measure: {plain(detail)}."
    if kind == "sanctions":
        text = plain(detail)
        return ("Sanctions " + text if text.startswith("snapback") else "Sanctions: " + text) + "."
    if kind == "shock" and (m := _SHOCK.search(detail)):
        what, settings = m.groups()
        changes = "; ".join(_setting(*part.split(" = ", 1)) for part in settings.split(", ") if " = " in part)
        return f"Scripted shock: {plain(what)} ({changes})."
    if kind == "casualties":
        return f"The attack strikes the force: {plain(detail)} (the tripwire acts through the members)."
    if kind in ("election", "government_change", "pledge", "us_roles", "ratification", "surge", "request",
                "deployment"):
        text = plain(detail)
        return text[:1].upper() + text[1:] + "."
    text = plain(detail)
    label = kind_info(kind).label
    head = f"{label} ({level})" if level else label
    return f"{head}: {text[:1].lower() + text[1:]}" if text else head


def ukrainian(kind: str, actor: str, detail: str) -> bool:
    """Ukraine's own violations, and every report or attribution that blames the wrong party."""
    if kind == "violation" and actor == UKRAINE:
        return True
    if kind == "detection" and (m := _DETECTION.search(detail)):
        return m.group(2) == UKRAINE or m.group(2) != m.group(3)
    if kind == "attribution" and (m := _ATTRIBUTED.search(detail)):
        return m.group(1) != m.group(3) or m.group(1) == UKRAINE
    if kind == "false_alarm":
        return True
    if kind == "decision" and (m := _MEASURES.search(detail)):
        return m.group(1) == UKRAINE
    return kind == "corrective_measure" and "to Ukraine" in detail


def response_counts(group: list[tuple[str, str]]) -> tuple[dict[str, int], int]:
    """Response types counted over the states of one decision, and how many acted bound by a ratified
    commitment (the model's 'binding commitment')."""
    counts: dict[str, int] = defaultdict(int)
    binding = 0
    for _, detail in group:
        kind, _, types = detail.partition(": ")
        binding += kind == "binding commitment"
        for t in types.split(","):
            if t.strip():
                counts[t.strip()] += 1
    return dict(counts), binding


def response_types(detail: str) -> tuple[str, ...]:
    """The response types one state's response event names."""
    return tuple(t.strip() for t in detail.partition(": ")[2].split(",") if t.strip() in RESPONSE_TYPES)


def campaign_objective(detail: str) -> str | None:
    """'limited' or 'major' when a campaign event starts preparing an offensive, else None."""
    if "starts preparing" not in detail:
        return None
    return "major" if "renewed armed attack" in detail else "limited"


def campaign_ending(detail: str) -> str:
    """How a campaign event ends a campaign: 'launched', 'stood down', 'aborted', 'ended' or ''."""
    for word, ending in (("launches", "launched"), ("stands down", "stood down"), ("aborts", "aborted"),
                         ("ends", "ended")):
        if word in detail:
            return ending
    return ""


def exposed_goes_on(detail: str) -> bool:
    return "goes on without surprise" in detail


def ratification_failed(detail: str) -> bool:
    return "failed" in detail


def pledge_dropped(detail: str) -> bool:
    return "drops" in detail


def snapback(detail: str) -> bool:
    return detail.startswith("snapback (")


def us_roles_withdrawn(detail: str) -> bool:
    return "withdraw" in detail


def detection(detail: str) -> tuple[str, str, str] | None:
    """(level, who did it, whom the report blames) of a detection."""
    m = _DETECTION.search(detail)
    return m.groups() if m else None


def attribution(detail: str) -> tuple[str, float, str] | tuple[None, float, float] | None:
    """(blamed, evidence, who did it), or (None, evidence, threshold) when the evidence fell short."""
    if m := _BELOW.search(detail):
        return None, float(m.group(1)), float(m.group(2))
    if m := _ATTRIBUTED.search(detail):
        return m.group(1), float(m.group(2)), m.group(3)
    return None


def false_alarm_blames(detail: str) -> str | None:
    m = _FALSE_ALARM.search(detail)
    return m.group(1) if m else None


def coordination(detail: str) -> tuple[str, int, int] | None:
    """(stage, weeks with the cell, weeks without) of a coordination event."""
    m = _SHORTER.search(detail)
    return (m.group(1), int(m.group(2)), int(m.group(3))) if m else None


def decision(detail: str) -> tuple[str, ...]:
    """('ad hoc', weeks) | ('not reached', rule) | ('measures', target, measures text) | ('other',)."""
    if m := _AD_HOC.search(detail):
        return ("ad hoc", int(m.group(1)))
    if m := _NOT_REACHED.search(detail):
        return ("not reached", m.group(1))
    if m := _MEASURES.search(detail):
        return ("measures", m.group(1), measures_text(m.group(2)))
    return ("other",)


def demarche_to(detail: str) -> str | None:
    m = _DEMARCHE.search(detail)
    return m.group(1) if m else None


def signs(detail: str) -> int:
    """The number of observable signs an indicator event reports."""
    m = _SIGNS.search(detail)
    return int(m.group(1)) if m else 0


def false_positive(detail: str) -> bool:
    return "false positive" in detail
