"""Student dashboard (Solara): change one part of the guarantee design and see the whole story.

``python -m sim dashboard`` (or ``python -m sim.dashboard.serve`` with a class's options)
serves it (``serve.py``); ``app.py`` is the page. The modules, from the model to the screen:

* the story's data: ``story.py`` runs a design and reads the finished run into tables from the
  events' identities and typed fields; ``chain.py`` builds the commission's chain, one case of the
  event log a row; ``explain.py`` tells the run as cases (intent to answer);
  ``outcomes.py`` keeps the outcomes of many runs for every session (Compare, "find a run"), those of
  the shipped designs read from ``shipped_outcomes.csv.gz`` (made by ``precompute.py``);
  ``compare.py`` the paired statistics; ``controls.py`` the levers and how they become a scenario;
* its words: ``words.py`` (glossary, kinds, lanes, marker shapes) and ``sentences.py`` (one sentence
  an event, from its fields);
* its views: ``charts.py`` (ECharts options), ``components.py`` and ``guide.py`` (HTML), ``tabs.py``
  and ``compare_page.py`` (Solara components), ``widgets.py`` with ``player.vue``, ``echarts.vue``,
  ``eventlog.vue``, ``theme.vue`` (what runs in the browser: the week moves there).
"""
