import sys

from laborkg.cli import main

sys.exit(main())
