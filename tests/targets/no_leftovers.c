/* restore leaves nothing of its own behind (docs/DESIGN.md, "Address-space
 * contract"): after the checkpoint no mapping lies in the fixed window
 * where elf_loader and restore live, and none is backed by the restore or
 * elf_loader binaries.
 */
#include <stdint.h>

#include "maps_util.h"
#include "target_check.h"

/* common/snapshot_format.h: kWindowStart, kWindowSize */
#define WINDOW_START 0x200000000000ul
#define WINDOW_END (WINDOW_START + 0x40000000ul)

int main(void) {
  setup_done("nothing");

  snappy_checkpoint();

  static char buf[1 << 20];
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  size_t len = 0;
  ssize_t r;
  while (fd >= 0 && (r = read(fd, buf + len, sizeof buf - 1 - len)) > 0) len += (size_t)r;
  if (fd >= 0) close(fd);
  buf[len] = 0;
  int in_window = 0, tool_files = 0;
  for (char *line = buf; *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    unsigned long s, e;
    if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s < WINDOW_END && WINDOW_START < e) {
      in_window++;
      fprintf(stderr, "left in the window: %s\n", line);
    }
    size_t n = strlen(line);
    if ((n >= 8 && strcmp(line + n - 8, "/restore") == 0) ||
        (n >= 11 && strcmp(line + n - 11, "/elf_loader") == 0)) {
      tool_files++;
      fprintf(stderr, "left behind: %s\n", line);
    }
    if (!nl) break;
    line = nl + 1;
  }
  check("maps readable", len > 0);
  check("nothing mapped in the elf_loader/restore window", in_window == 0);
  check("no mapping of the restore or elf_loader binaries", tool_files == 0);
  return finish();
}
