"""``python -m summitsim.cli``: the ``summitsim`` command."""

import sys

from summitsim.cli import main

sys.exit(main())
