"""``python -m bargaining`` runs the command."""

import sys

from bargaining.cli import main

sys.exit(main())
