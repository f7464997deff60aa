"""Does not compile: python3 reports it."""
print("never")
def broken(:
    pass
