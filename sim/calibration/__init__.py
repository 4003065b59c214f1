"""Calibration: ABC-SMC (pyabc) of the constants marked *fitted* against the calibration
targets only, and the posterior file that ``run``, ``sweep`` and the API can draw from.

* ``targets``   the calibration targets (published values and their published uncertainty);
* ``abc``       the simulator of one particle and the pyabc run (``python -m sim calibrate``);
* ``posterior`` reading a posterior file and drawing constants from it.
"""
