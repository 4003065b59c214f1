"""Student dashboard (Solara): change one part of the guarantee design and see the whole story.

``python -m sim dashboard`` serves it (``serve.py``); ``app.py`` is the page. ``story.py``
is the only module that reads the model: a finished run -> tidy tables (steps, events,
the commission's chain, the members). ``charts.py`` builds ECharts options,
``components.py`` the HTML tables, ``controls.py`` the levers, ``compare.py`` the paired
comparison.
"""
