"""Gaussian-process emulators of the model quantities the calibration targets measure.

One emulator a target: a linear regression on the fitted constants (scaled to the unit cube)
with a Gaussian process on its residuals (Vernon, Goldstein & Bower 2010; Andrianakis et al.
2015). The process is scikit-learn's ``GaussianProcessRegressor`` with a Matérn 5/2 kernel, one
length scale a constant (automatic relevance: a long length scale is a constant that hardly
moves the quantity), and two noise terms:

* the Monte Carlo variance of each simulated point, known from its replicates, on the diagonal
  (``alpha``: heteroscedastic, it varies with the point);
* a nugget (``WhiteKernel``) fitted from the data, for what a smooth surface cannot follow
  (thresholds in Russia's choice make the quantities rough). It is part of the emulator's
  variance, so it widens the implausibility denominator rather than hiding.

scikit-learn is the ``calibration`` extra; this module is imported only by ``calibrate``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np


def sklearn_available() -> bool:
    """Whether the optional scikit-learn is installed (calibrate needs it)."""
    try:
        import sklearn  # noqa: F401 - the optional [calibration] extra, looked for only when needed
    except ImportError:
        return False
    return True


def _design(x: np.ndarray) -> np.ndarray:
    return np.hstack([np.ones((len(x), 1)), x])


@dataclass
class Emulator:
    """A fitted emulator of one model quantity over the unit cube of the fitted constants."""

    key: str
    beta: np.ndarray  # regression coefficients (standardised quantity on [1, x])
    y_mean: float
    y_sd: float
    gp: object  # the fitted GaussianProcessRegressor of the standardised residuals
    n: int

    @classmethod
    def fit(cls, key: str, x: np.ndarray, y: np.ndarray, var: np.ndarray, *, seed: int,
            restarts: int = 2) -> Emulator:
        """Fit on points ``x`` (n x d, in [0, 1]) with simulated values ``y`` and their Monte Carlo
        variances ``var``. Points whose value is not finite (a conditional share with no case) are left out."""
        # scikit-learn, the optional [calibration] extra: imported where it is needed
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

        keep = np.isfinite(y) & np.isfinite(var)
        x, y, var = x[keep], y[keep], var[keep]
        if len(y) < 3:
            raise ValueError(f"emulator of {key}: {len(y)} usable points; at least 3 are needed")
        y_mean = float(np.mean(y))
        y_sd = float(np.std(y)) or 1.0
        z = (y - y_mean) / y_sd
        # Regression mean: ridge-stabilised least squares (the intercept is not penalised).
        a = _design(x)
        ridge = 1e-6 * np.eye(a.shape[1])
        ridge[0, 0] = 0.0
        beta = np.linalg.solve(a.T @ a + ridge, a.T @ z)
        resid = z - a @ beta
        d = x.shape[1]
        kernel = (ConstantKernel(0.5, (1e-4, 1e2)) * Matern(np.full(d, 0.5), (0.03, 50.0), nu=2.5)
                  + WhiteKernel(0.05, (1e-6, 1.0)))
        gp = GaussianProcessRegressor(kernel=kernel, alpha=var / y_sd**2 + 1e-10, normalize_y=False,
                                      n_restarts_optimizer=restarts, random_state=seed)
        with warnings.catch_warnings():  # bounds reached (a constant that does not matter) are expected
            warnings.simplefilter("ignore")
            gp.fit(x, resid)
        return cls(key, beta, y_mean, y_sd, gp, int(len(y)))

    def predict(self, x: np.ndarray, chunk: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
        """Expected quantity and the emulator's variance at points ``x`` (in [0, 1])."""
        means, variances = [], []
        for start in range(0, len(x), chunk):
            part = x[start:start + chunk]
            m, s = self.gp.predict(part, return_std=True)
            means.append((_design(part) @ self.beta + m) * self.y_sd + self.y_mean)
            variances.append((s * self.y_sd) ** 2)
        if not means:
            return np.empty(0), np.empty(0)
        return np.concatenate(means), np.concatenate(variances)

    def length_scales(self) -> np.ndarray:
        """The fitted length scale of each constant (unit-cube units: above about 2, the constant hardly matters)."""
        return np.atleast_1d(self.gp.kernel_.k1.k2.length_scale).astype(float)

    def nugget(self) -> float:
        """The fitted nugget, as a variance in the quantity's units."""
        return float(self.gp.kernel_.k2.noise_level) * self.y_sd**2

    def cross_validate(self, x: np.ndarray, y: np.ndarray, var: np.ndarray, folds: int = 10,
                       seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """K-fold predictions at the training points with the kernel's hyperparameters kept: the
        emulator's error where it has no data, as a leave-one-out check would give it, at less cost.
        Returns (kept mask, mean, variance) for the finite points."""
        from sklearn.gaussian_process import GaussianProcessRegressor  # the optional [calibration] extra

        keep = np.isfinite(y) & np.isfinite(var)
        xk, yk, vk = x[keep], y[keep], var[keep]
        n = len(yk)
        order = np.random.default_rng(seed).permutation(n)
        mean, variance = np.full(n, math.nan), np.full(n, math.nan)
        for f in range(min(folds, n)):
            test = order[f::min(folds, n)]
            train = np.setdiff1d(np.arange(n), test)
            z = (yk[train] - self.y_mean) / self.y_sd
            a = _design(xk[train])
            ridge = 1e-6 * np.eye(a.shape[1])
            ridge[0, 0] = 0.0
            beta = np.linalg.solve(a.T @ a + ridge, a.T @ z)
            gp = GaussianProcessRegressor(kernel=self.gp.kernel_, alpha=vk[train] / self.y_sd**2 + 1e-10,
                                          optimizer=None, normalize_y=False)
            gp.fit(xk[train], z - a @ beta)
            m, s = gp.predict(xk[test], return_std=True)
            mean[test] = (_design(xk[test]) @ beta + m) * self.y_sd + self.y_mean
            variance[test] = (s * self.y_sd) ** 2
        return keep, mean, variance
