"""`python -m comparison.cli internal.csv customer.csv`: see `comparison.cli`."""

import sys

from comparison.cli import main

sys.exit(main())
