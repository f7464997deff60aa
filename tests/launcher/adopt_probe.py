"""Records with or without adopting the invocation (--adopt in the
recorded command line), then prints what it sees."""
import os
import sys

sys.dont_write_bytecode = True  # a .pyc write would end the recording early
sys.path.insert(0, sys.argv[1])  # examples/python
import snappy_checkpoint  # noqa: E402

adopt = "--adopt" in sys.argv
os.environ["SET_BEFORE"] = "set before the checkpoint"
restored = snappy_checkpoint.checkpoint(adopt=adopt)
print("restored", restored, "adopt", adopt)
print("argv", sys.argv)
print("LAUNCHER_TEST_VAR", os.environ.get("LAUNCHER_TEST_VAR"))
print("SET_BEFORE", os.environ.get("SET_BEFORE"))
print("cwd", os.path.basename(os.getcwd()))
