#!/usr/bin/python3
"""What restore populated in an instance, against the learned set stored in
NAME.info (tests/learned/learned_test.sh; docs/DESIGN.md "Learned working
sets").

    populated_pages.py NAME PID

PID is an instance of NAME blocked right after its snapshot point, before
its job. Prints one line of counts, key=value:
  written           pages of the learned write set
  written_private   of them, the instance's own copy (present, not a file
                    page, mapped exclusively: pagemap bits 63, 61, 56)
  read              pages of the learned read set
  read_present      of them, mapped in the instance (bit 63)
  shared_private    pages outside the write set, in VMAs mapped from a file
                    (NAME.pages or a backing file), that are private copies:
                    what a populate outside the set would make
Anonymous VMAs outside the write set are not counted: restore copies some
mappings' pages in by design (the argument area, named memory).
Exits 1 with one line on stderr if the files cannot be read.
"""
import struct
import sys

PAGE = 4096
PRESENT, FILE_PAGE, EXCLUSIVE = 1 << 63, 1 << 61, 1 << 56
SECTIONS_AT, MAPPINGS, LEARNED = 112, 2, 10  # common/snapshot_format.h
MAPPING = "<QQ"  # MappingRecord starts with start, end
LEARNED_RUN = "<IIQQ"  # mapping, kind, first_page, page_count
WRITE, READ = 1, 2


def section(info, index, fmt):
    offset, count, size = struct.unpack_from("<QII", info, SECTIONS_AT + 16 * index)
    return [struct.unpack_from(fmt, info, offset + i * size) for i in range(count)]


def learned_pages(info):
    """{page address: kind} of the learned set."""
    mappings = section(info, MAPPINGS, MAPPING)
    pages = {}
    for mapping, kind, first, count in section(info, LEARNED, LEARNED_RUN):
        start = mappings[mapping][0] + first * PAGE
        for i in range(count):
            pages[start + i * PAGE] = kind
    return pages


def vmas(pid):
    """(start, end, has_file) of each VMA of pid."""
    out = []
    for line in open(f"/proc/{pid}/maps"):
        fields = line.split()
        start, end = (int(x, 16) for x in fields[0].split("-"))
        out.append((start, end, fields[4] != "0"))
    return out


def main():
    name, pid = sys.argv[1], int(sys.argv[2])
    try:
        pages = learned_pages(open(name + ".info", "rb").read())
        areas = vmas(pid)
        pagemap = open(f"/proc/{pid}/pagemap", "rb")
    except OSError as e:
        sys.exit(f"populated_pages.py: {e}")

    def entries(start, end):
        pagemap.seek(start // PAGE * 8)
        data = pagemap.read((end - start) // PAGE * 8)
        return struct.unpack(f"<{len(data) // 8}Q", data)

    counts = dict(written=0, written_private=0, read=0, read_present=0, shared_private=0)
    for start, end, has_file in areas:
        if start >= 1 << 47:  # [vsyscall]
            continue
        for i, e in enumerate(entries(start, end)):
            page = start + i * PAGE
            private = e & PRESENT and not e & FILE_PAGE and e & EXCLUSIVE
            kind = pages.pop(page, None)
            if kind == WRITE:
                counts["written"] += 1
                counts["written_private"] += bool(private)
            elif kind == READ:
                counts["read"] += 1
                counts["read_present"] += bool(e & PRESENT)
            elif has_file and private:
                counts["shared_private"] += 1
    # Learned pages outside every VMA: counted as not populated.
    for kind in pages.values():
        counts["written" if kind == WRITE else "read"] += 1
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
