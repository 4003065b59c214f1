"""Streams that draw only uniforms are drawn ahead in blocks (``sim.model.UniformDraws``): the numbers must be
numpy's own, in the same order, whatever the mix of single draws and runs of draws."""

import numpy as np
import pytest

from sim.model import UNIFORM_STREAMS, DeterrenceModel, UniformDraws


def test_block_draws_are_the_generators_numbers_in_order():
    plain, blocked = np.random.default_rng(7), UniformDraws(np.random.default_rng(7))
    sizes = [None] * 300 + [3, None, 1, 255, None, 2, 0] * 20  # across many block boundaries
    for size in sizes:
        expected = plain.random() if size is None else plain.random(size).tolist()
        assert blocked.random(size) == expected


def test_a_draw_of_another_kind_is_refused():
    with pytest.raises(AttributeError):
        UniformDraws(np.random.default_rng(0)).normal()


def test_the_model_draws_its_uniform_only_streams_in_blocks():
    model = DeterrenceModel("paris_declaration", 3, record_events=False, collect_steps=False)
    assert {name for name, s in model.streams.items() if isinstance(s, UniformDraws)} == set(UNIFORM_STREAMS)
    model.run(52)
    assert model.ukraine.stream is model.streams["ukraine"]
    assert model.monitoring.stream is model.warning.stream is model.streams["monitoring"]
