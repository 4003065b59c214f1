"""``python -m sim.validation DIR [--quick]``: judge a validation run's runs again."""

import sys

from sim.validation.commands import main

sys.exit(main())
