"""Which assumptions decide the answers: a global sensitivity study of the paired comparisons.

``python -m sim sensitivity [--quick] [--samples N] [--replicates R] [--out DIR] [--overwrite] [--workers N]``
``python -m sim sensitivity [--quick] [--samples N] [--replicates R] [--out DIR] [--overwrite] [--workers N]``

The strategists' answers are paired differences of P(escalation within the horizon) between
two designs run on the same seeds (common random numbers):

* ``ratified_vs_political``: ``paris_declaration`` minus ``political_only`` (G0);
* ``forward_vs_rear``: ``forward_tripwire`` minus ``paris_declaration`` (G3 posture: the two
  scenarios differ in ``force.posture`` only);
* ``with_vs_without_us``: ``paris_declaration`` minus ``no_us_backstop`` (the US roles absent
  from the start: no monitoring lead, no backstop of the force, no intelligence sharing).

The study asks which schema constants (and, reported apart, which uncertainties) move those
differences, in three steps:

1. **Screening** (Morris elementary effects, SALib): ``samples`` trajectories over every
   numeric constant and uncertainty, each varied over a stated range around its default
   (``factor_range``); every point runs the four designs on the same ``replicates`` seeds, so
   an elementary effect is a paired difference of paired differences and a factor that
   changes no run has an effect of exactly zero.
2. **Confirmation**: the ``top`` constants (and ``top_uncertainties`` uncertainties) of each
   comparison, one at a time at the low and the high end of their range, the others at their
   defaults, on ``confirm_replicates`` fresh paired seeds: the difference with Newcombe's
   paired 95% interval at low, default and high.
3. **Sign flips**: where an end's interval lies wholly on the other side of zero from the
   default estimate (``flips``), decides a comparison the default leaves undecided
   (``decides``), or leaves undecided one the default decides (``undecides``).

Writes ``factors.csv``, ``screening.csv``, ``confirmation.csv``, ``sign_flips.csv``,
``sensitivity_tables.md``, ``sensitivity.png`` and ``manifest.json`` (docs/howto/
which-assumptions-decide.md). The CSVs are the same bytes for any number of workers.

The study in four modules: ``design`` (the comparisons, the factors and their ranges, the
settings, the Morris sample), ``runs`` (the seeded runs of screening and confirmation on an
executor, the sign flips), ``report`` (the CSV tables, the markdown, the figure) and
``command`` (``python -m sim sensitivity``).
"""
