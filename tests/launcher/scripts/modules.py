"""Whether numpy was imported before this script ran (a restored
launcher has it; a cold start does not): tells warm from cold."""
import sys

print("numpy imported before the script:", "numpy" in sys.modules)
