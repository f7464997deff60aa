"""sys.exit with a message: printed on stderr, status 1."""
import sys

print("leaving with a message")
sys.exit("fatal: the message of sys.exit")
