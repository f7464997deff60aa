/* Shared by the targets that check per-mapping kernel flags: the smaps
 * VmFlags words of one mapping, and the locked total of /proc/self/status,
 * printed without addresses (target_check.h: only facts). */
#ifndef SNAPPY_VMFLAGS_CHECK_H
#define SNAPPY_VMFLAGS_CHECK_H

#include <stdio.h>
#include <string.h>

/* Prints "NAME VmFlags: W W" with those of the words in `wanted` (a
 * space-separated list, e.g. "lo lf") that smaps shows for the mapping
 * starting at `start`, in smaps' order; "NAME: no mapping" if none starts
 * there. */
static inline void print_vmflags(const char *name, const void *start, const char *wanted) {
  char header[32], line[1024], words[256] = "";
  int found = 0;
  snprintf(header, sizeof header, "%lx-", (unsigned long)start);
  FILE *f = fopen("/proc/self/smaps", "r");
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, header, strlen(header)) == 0) {
      found = 1;
    } else if (found && strncmp(line, "VmFlags:", 8) == 0) {
      for (char *w = strtok(line + 8, " \n"); w; w = strtok(NULL, " \n")) {
        char padded[8];
        snprintf(padded, sizeof padded, " %s ", w);
        char list[128];
        snprintf(list, sizeof list, " %s ", wanted);
        if (strstr(list, padded)) {
          strcat(words, " ");
          strcat(words, w);
        }
      }
      break;
    }
  }
  if (f) fclose(f);
  if (found) {
    printf("%s VmFlags:%s\n", name, words);
  } else {
    printf("%s: no mapping\n", name);
  }
}

/* /proc/self/status VmLck (kB), or -1. */
static inline long locked_kib(void) {
  char line[256];
  long kib = -1;
  FILE *f = fopen("/proc/self/status", "r");
  while (f && fgets(line, sizeof line, f)) {
    if (sscanf(line, "VmLck: %ld kB", &kib) == 1) break;
  }
  if (f) fclose(f);
  return kib;
}

#endif /* SNAPPY_VMFLAGS_CHECK_H */
