"""Calibration: history matching with emulators of the constants marked *fitted* against the
calibration targets only, and the plausible set that ``run``, ``sweep`` and the API draw from.

* ``record``            the targets: what the record measures, the model quantity that measures the same
                        thing, ``measure`` (a point's quantities with their Monte Carlo variance);
* ``emulator``          a Gaussian-process emulator of one quantity (scikit-learn: the calibration extra);
* ``history_matching``  the waves, the implausibility rule, the plausible set;
* ``commands``          ``python -m sim calibrate`` and its files.
"""
