"""`python -m evalctl`: the same entry point as the `evalctl` console script."""

import sys

from evalctl.cli import main

sys.exit(main())
