"""Moved to the public :mod:`oneiros.arguments`; these names stay only until the modules still
being written against them (models/_fit.py, layers/discretization.py, mel_spectrogram.py,
stft_spectrogram.py) import from there."""

from oneiros.arguments import axes, choice, config_axes, positive_int, real, seed

__all__ = ["axes", "choice", "config_axes", "positive_int", "real", "seed"]
