#!/usr/bin/env python3
"""Exit 0 if this is Python 3 and every module named on the command line imports."""
import importlib
import sys

if sys.version_info[0] != 3:
    sys.exit(1)
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception:
        sys.exit(1)
sys.exit(0)
