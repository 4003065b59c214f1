"""Student dashboard (Mesa SolaraViz): change one part of the guarantee design and watch.

``python -m sim dashboard`` serves it (see ``serve.py``); ``app.py`` is the Solara page.
"""
