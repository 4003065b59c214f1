"""Where Russia decides (step 1 of the week), and on what.

* ``choice``   its decision points and the logit choice at each (comply, pressure, prepare a
               limited or a major offensive; launch or stand down; proceed or abort);
* ``outlook``  the expected value of each option now and of waiting for a window;
* ``reading``  its reading of the coalition: the credibility of pledged responses, with
               misperception and what it has learned, projected along political time.

Russia's state (intent, campaigns, capacity) is the agent's: ``sim.agents.russia``.
"""
