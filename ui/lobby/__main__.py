import sys

from ui.lobby.app import main

sys.exit(main())
