"""``python -m ppp_atlas.pdf`` (``make pdf``): the PDF editions of the site already in ``_build/html``."""
import sys

from .step import main

sys.exit(main(sys.argv[1:]))
