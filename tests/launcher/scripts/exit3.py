"""sys.exit(3) after buffered output; an atexit handler runs at shutdown."""
import atexit
import sys

atexit.register(lambda: print("atexit handler ran", flush=False))
print("about to exit with 3")
sys.stderr.write("to stderr before exit\n")
sys.exit(3)
