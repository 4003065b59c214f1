"""Throwaway SolaraViz page for the browser-infrastructure smoke test.

Not the project's dashboard: a trivial Mesa model with a DataCollector, a
matplotlib ``make_plot_component`` chart, a text component and one parameter
of each input kind, written to run unchanged on Mesa 3.3 and 3.5.

Serve by hand (offline):
    SOLARA_TELEMETRY_MIXPANEL_ENABLE=False solara run tests/dashboard/browser/_smoke_app.py
"""

import mesa
import solara
from mesa.visualization import Slider, SolaraViz, make_plot_component


class SmokeAgent(mesa.Agent):
    def __init__(self, model, gain):
        super().__init__(model)
        self.wealth = 1.0
        self.gain = gain

    def step(self):
        self.wealth += self.gain * self.model.rng.random()


class SmokeModel(mesa.Model):
    def __init__(self, n=5, gain=1.0, mode="up", noisy=False, rng=None):
        super().__init__(rng=rng)
        self.tick = 0  # own counter: model.steps/model.time differ across Mesa versions
        self.mode = mode
        self.noisy = noisy
        SmokeAgent.create_agents(self, int(n), gain=gain)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "Total": lambda m: sum(a.wealth for a in m.agents),
                "Agents": lambda m: len(m.agents),
            }
        )
        self.datacollector.collect(self)

    def step(self):
        self.tick += 1
        self.agents.shuffle_do("step")
        self.datacollector.collect(self)


def TickText(model):
    # plain function: SolaraViz wraps it so it re-renders after every step.
    # solara.Text, not solara.Markdown: Markdown always loads katex@0.16.9 from
    # the CDN, which solara-assets does not ship.
    return solara.Text(f"Smoke tick: {model.tick}")


model_params = {
    "n": {"type": "SliderInt", "value": 5, "min": 1, "max": 20, "step": 1, "label": "Agents"},
    "gain": Slider("Gain", value=1.0, min=0.0, max=5.0, step=0.5),
    "mode": {"type": "Select", "value": "up", "values": ["up", "down"], "label": "Mode"},
    "noisy": {"type": "Checkbox", "value": False, "label": "Noisy"},
}

TotalPlot = make_plot_component("Total", backend="matplotlib")

model = SmokeModel(rng=42)
page = SolaraViz(
    model,
    components=[TickText, TotalPlot],
    model_params=model_params,
    name="Smoke",
)
page  # noqa: B018  (solara picks up the module-level `page`)
