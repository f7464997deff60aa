"""Prints what python3 gives a script's __main__."""
import sys

print("__name__", __name__)
print("argv", sys.argv)
print("orig_argv", sys.orig_argv)
print("__file__", __file__)
print("__cached__", __cached__, "__spec__", __spec__, "__package__", __package__)
print("__doc__", __doc__)
print("__loader__", type(__loader__).__name__, __loader__.name, __loader__.path)
print("__builtins__", type(__builtins__).__name__, __builtins__.__name__)
print("globals", list(globals()))
print("path0", sys.path[0])
print("main is me", sys.modules["__main__"].__dict__ is globals())
print("dont_write_bytecode", sys.dont_write_bytecode)
print("importer cache", sys.path_importer_cache.get(__file__, "absent"))
print("stdio", [(f.name, f.mode, f.encoding, f.errors, f.line_buffering, f.write_through)
                for f in (sys.stdin, sys.stdout, sys.stderr)],
      sys.stdin is sys.__stdin__, sys.stdout is sys.__stdout__)
