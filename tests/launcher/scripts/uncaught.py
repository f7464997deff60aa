"""An uncaught exception raised two functions deep, in a sibling module,
while handling another one (a chained traceback)."""
import sys

import sibling

print("parsing", sys.argv[1:])
try:
    {}["missing"]
except KeyError:
    sibling.parse(",".join(sys.argv[1:]))
