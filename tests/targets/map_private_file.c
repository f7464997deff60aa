/* File mappings before the checkpoint: a private writable mapping with
 * some pages written (those come from the snapshot) and others untouched
 * (those come from the file), a read-only shared mapping, and a private
 * mapping at a file offset. After it: written pages keep what was written,
 * the rest shows the file.
 * snappy-test: args=@SRCDIR@
 * Also restored with --anon=exact (stored pages read in, not mapped).
 * snappy-test: also-restore=--anon=exact
 * snappy-test: learn=yes
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
  /* input_lines.txt is 16800 bytes: 4 pages and a partial fifth. */
  unsigned char *priv = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  unsigned char *shared = mmap(NULL, 5 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
  unsigned char *off = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 2 * PAGE);
  if (priv == MAP_FAILED || shared == MAP_FAILED || off == MAP_FAILED) return 2;
  close(fd);
  memcpy(priv + PAGE + 10, "WRITTEN BEFORE THE CHECKPOINT", 29);
  priv[4 * PAGE + 100] = '#';  /* in the partial last page */
  volatile unsigned char sink = priv[3 * PAGE] + shared[0] + off[0];  /* read: clean */
  (void)sink;
  setup_done("private rw file mapping (pages 1 and 4 written), shared r, private r at offset");

  snappy_checkpoint();

  static unsigned char file[5 * PAGE];
  int fd2 = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t len = fd2 >= 0 ? pread(fd2, file, sizeof file, 0) : -1;
  if (fd2 >= 0) close(fd2);
  check("file readable", len == 16800);
  check("clean private pages show the file",
        memcmp(priv, file, PAGE) == 0 && memcmp(priv + 2 * PAGE, file + 2 * PAGE, 2 * PAGE) == 0);
  check("written page keeps the write",
        memcmp(priv + PAGE + 10, "WRITTEN BEFORE THE CHECKPOINT", 29) == 0 &&
            memcmp(priv + PAGE, file + PAGE, 10) == 0 &&
            memcmp(priv + PAGE + 39, file + PAGE + 39, PAGE - 39) == 0);
  int tail_ok = priv[4 * PAGE + 100] == '#' && memcmp(priv + 4 * PAGE, file + 4 * PAGE, 100) == 0;
  for (size_t i = (size_t)len - 4 * PAGE; i < PAGE; i++) tail_ok &= priv[4 * PAGE + i] == 0;
  check("written partial last page keeps the write and zero tail", tail_ok);
  check("shared mapping shows the file", memcmp(shared, file, (size_t)len) == 0);
  check("mapping at offset 2 pages shows the file there", memcmp(off, file + 2 * PAGE, 2 * PAGE) == 0);
  static struct map_entry maps[4096];
  int n = read_maps(maps, 4096);
  const struct map_entry *s = maps_find(maps, n, (uintptr_t)shared);
  const struct map_entry *p = maps_find(maps, n, (uintptr_t)priv + PAGE);
  check("shared mapping is r--s, private rw-p",
        s && strcmp(s->perms, "r--s") == 0 && p && strcmp(p->perms, "rw-p") == 0);
  return finish();
}
