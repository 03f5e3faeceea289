import sys

from caselog.cli import main

sys.exit(main())
