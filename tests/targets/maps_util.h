/* Reading /proc/self/maps and probing whether pages are mapped, for the
 * mapping targets. Use only after the checkpoint: opening /proc/self/maps
 * before it would make the restorer reopen a /proc file.
 */
#ifndef SNAPPY_MAPS_UTIL_H
#define SNAPPY_MAPS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ul

struct map_entry {
  uintptr_t start, end;
  char perms[5];
};

/* Reads up to max entries of /proc/self/maps; returns the count or -1. */
static inline int read_maps(struct map_entry *out, int max) {
  static char buf[1 << 20];
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t len = 0;
  ssize_t r;
  while ((r = read(fd, buf + len, sizeof buf - 1 - len)) > 0) len += (size_t)r;
  close(fd);
  buf[len] = 0;
  int n = 0;
  for (char *line = buf; *line && n < max;) {
    char *nl = strchr(line, '\n');
    unsigned long s, e;
    char perms[5];
    if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) == 3) {
      out[n].start = s;
      out[n].end = e;
      memcpy(out[n].perms, perms, 5);
      n++;
    }
    if (!nl) break;
    line = nl + 1;
  }
  return n;
}

/* 1 if some entry overlaps [start, end). */
static inline int maps_overlap(const struct map_entry *m, int n, uintptr_t start,
                               uintptr_t end) {
  for (int i = 0; i < n; i++)
    if (m[i].start < end && start < m[i].end) return 1;
  return 0;
}

/* The entry containing addr, or NULL. */
static inline const struct map_entry *maps_find(const struct map_entry *m, int n,
                                                uintptr_t addr) {
  for (int i = 0; i < n; i++)
    if (m[i].start <= addr && addr < m[i].end) return &m[i];
  return NULL;
}

/* 1 if the page at addr is mapped (mincore fails with ENOMEM if not). */
static inline int page_mapped(const void *addr) {
  unsigned char vec;
  if (mincore((void *)addr, PAGE, &vec) == 0) return 1;
  return errno == ENOMEM ? 0 : -1;
}

#endif /* SNAPPY_MAPS_UTIL_H */
