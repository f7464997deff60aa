/* MAP_FIXED over existing mappings before the checkpoint: the new contents
 * are what is visible after it (anonymous written, anonymous untouched =
 * zero, a private file mapping = the file's bytes), never the old ones.
 * snappy-test: args=@SRCDIR@
 */
#include <stdint.h>

#include "maps_util.h"
#include "target_check.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char path[4096];
  snprintf(path, sizeof path, "%s/input_lines.txt", argv[1]);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 2;
  unsigned char *p = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 2;
  memset(p, 'A', 5 * PAGE);
  const int rw = PROT_READ | PROT_WRITE;
  const int fixed = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
  if (mmap(p + PAGE, PAGE, rw, fixed, -1, 0) != p + PAGE) return 2;
  memset(p + PAGE, 'B', PAGE);
  if (mmap(p + 2 * PAGE, PAGE, rw, fixed, -1, 0) != p + 2 * PAGE) return 2;
  if (mmap(p + 3 * PAGE, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) !=
      p + 3 * PAGE)
    return 2;
  close(fd);
  setup_done("MAP_FIXED anonymous (written), anonymous (untouched) and a "
             "private file mapping over an anonymous mapping");

  snappy_checkpoint();

  unsigned char file[2 * PAGE];
  int fd2 = open(path, O_RDONLY | O_CLOEXEC);
  int file_ok = fd2 >= 0 && pread(fd2, file, sizeof file, 0) == (ssize_t)sizeof file;
  if (fd2 >= 0) close(fd2);
  int a_ok = 1, b_ok = 1, zero_ok = 1;
  for (size_t i = 0; i < PAGE; i++) {
    a_ok &= p[i] == 'A';
    b_ok &= p[PAGE + i] == 'B';
    zero_ok &= p[2 * PAGE + i] == 0;
  }
  check("untouched part keeps old contents", a_ok);
  check("MAP_FIXED anonymous page shows new contents", b_ok);
  check("MAP_FIXED untouched anonymous page is zero", zero_ok);
  check("MAP_FIXED file pages show the file", file_ok && memcmp(p + 3 * PAGE, file, sizeof file) == 0);
  static struct map_entry maps[4096];
  int n = read_maps(maps, 4096);
  const struct map_entry *m = maps_find(maps, n, (uintptr_t)p + 3 * PAGE);
  check("file pages read-only", m && strncmp(m->perms, "r--p", 4) == 0);
  return finish();
}
