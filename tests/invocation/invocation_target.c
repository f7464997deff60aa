/* What a program sees of its invocation, printed the same way in a cold run
 * and in a restored instance (which adopts restore's invocation with
 * snappy_invocation()), so that the two reports compare byte for byte:
 * argc and every argv element, a few environment variables, getcwd, errno
 * after the helper, and /proc/PID/cmdline, environ and cwd as another
 * process (a child) reads them. Bytes outside printable ASCII, and `\`,
 * are written \xHH; NUL separators as \0.
 *
 * The report goes out in one write() (several instances of -n N append to
 * one file without mixing). With INV_HOLD=PATH in the environment the
 * program then waits until PATH exists, for a test to look at it running.
 * Nothing happens before the checkpoint: nothing is replayed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "snappy_checkpoint.h"

static void escaped(FILE *out, const char *s, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = (unsigned char)s[i];
    if (c == 0) fputs("\\0", out);
    else if (c < 0x20 || c >= 0x7f || c == '\\') fprintf(out, "\\x%02x", c);
    else fputc(c, out);
  }
}

/* /proc/PID/NAME as read by this (another) process, or its readlink. */
static void show_proc(FILE *out, pid_t pid, const char *name, int link) {
  char path[64], buf[1 << 16];
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
  fprintf(out, "%s: ", name);
  if (link) {
    ssize_t n = readlink(path, buf, sizeof buf);
    if (n < 0) fprintf(out, "(readlink failed)");
    else escaped(out, buf, (size_t)n);
  } else {
    FILE *f = fopen(path, "rb");
    size_t n;
    if (!f) fprintf(out, "(open failed)");
    while (f && (n = fread(buf, 1, sizeof buf, f)) > 0) escaped(out, buf, n);
    if (f) fclose(f);
  }
  fputc('\n', out);
}

int main(int argc, char **argv) {
  static const char *names[] = {"INV_A", "INV_B", "INV_C", "INV_EMPTY", "PATH", "HOME", 0};
  char *report = 0, cwd[8192];
  size_t size = 0;
  FILE *out;
  int fds[2], errno_after, env_count = 0;
  pid_t child;

  errno = 4242;
  if (snappy_checkpoint() && snappy_invocation(&argc, &argv) != 0) {
    fprintf(stderr, "invocation_target: snappy_invocation failed\n");
    return 3;
  }
  errno_after = errno;

  out = open_memstream(&report, &size);
  if (!out) return 3;
  fprintf(out, "errno: %d\nargc: %d\n", errno_after, argc);
  for (int i = 0; i < argc; ++i) {
    fprintf(out, "argv[%d]: ", i);
    escaped(out, argv[i], strlen(argv[i]));
    fputc('\n', out);
  }
  fprintf(out, "argv[argc]: %s\n", argv[argc] ? "not NULL" : "NULL");
  for (char **e = environ; *e; ++e) ++env_count;
  fprintf(out, "environ entries: %d\n", env_count);
  for (int i = 0; names[i]; ++i) {
    const char *v = getenv(names[i]);
    fprintf(out, "%s: ", names[i]);
    if (v) escaped(out, v, strlen(v));
    else fputs("(unset)", out);
    fputc('\n', out);
  }
  if (getcwd(cwd, sizeof cwd)) {
    fprintf(out, "getcwd: ");
    escaped(out, cwd, strlen(cwd));
    fputc('\n', out);
  } else {
    fprintf(out, "getcwd: failed: %s\n", strerror(errno));
  }
  fflush(out);

  /* Another process's view: a child reads ours and sends it back. */
  if (pipe(fds) != 0 || (child = fork()) < 0) return 3;
  if (child == 0) {
    FILE *to = fdopen(fds[1], "w");
    close(fds[0]);
    pid_t parent = getppid();
    show_proc(to, parent, "cmdline", 0);
    show_proc(to, parent, "environ", 0);
    show_proc(to, parent, "cwd", 1);
    fclose(to);
    _exit(0);
  }
  close(fds[1]);
  {
    char buf[1 << 16];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, out);
  }
  waitpid(child, 0, 0);
  fclose(out);

  for (size_t done = 0; done < size;) {
    ssize_t n = write(1, report + done, size - done);
    if (n <= 0) return 3;
    done += (size_t)n;
  }
  const char *hold = getenv("INV_HOLD");
  while (hold && access(hold, F_OK) != 0) {
    struct timespec pause = {0, 10000000};
    nanosleep(&pause, 0);
  }
  return 0;
}
