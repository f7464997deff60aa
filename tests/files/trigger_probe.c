/* One early snapshot point per mode, for the decoded summary line
 * (trigger_lines_test.sh): each mode first makes modelled calls (read-only
 * opens), then the call outside the model the mode is named after, then the
 * checkpoint marker, then prints "done MODE".
 *   trigger_probe creat PATH    open(PATH, O_RDWR|O_CREAT|O_EXCL, 0600)
 *   trigger_probe mkdir PATH    mkdir(PATH, 0750)
 *   trigger_probe socket        socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0)
 *   trigger_probe ioctl         ioctl(pipe read end, FIOASYNC, &1)
 *   trigger_probe prctl         prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
 *   trigger_probe opens A B     read-only opens of A then B: no trigger
 *                               before the marker (--at openat,path=B)
 *   trigger_probe int80         int $0x80 with eax 20 (i386 getpid, where
 *                               the x86-64 table's 20 is writev); prints
 *                               whether it returned this process's pid
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "snappy_checkpoint.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *mode = argv[1];
  int warm = open("/proc/self/status", O_RDONLY);
  if (warm >= 0) close(warm);
  if (strcmp(mode, "creat") == 0 && argc == 3) {
    if (open(argv[2], O_RDWR | O_CREAT | O_EXCL, 0600) < 0) perror("open");
  } else if (strcmp(mode, "mkdir") == 0 && argc == 3) {
    if (syscall(SYS_mkdir, argv[2], 0750) != 0) perror("mkdir");
  } else if (strcmp(mode, "socket") == 0) {
    if (socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) < 0) perror("socket");
  } else if (strcmp(mode, "ioctl") == 0) {
    int p[2], one = 1;
    if (pipe(p) != 0 || ioctl(p[0], FIOASYNC, &one) != 0) perror("ioctl");
  } else if (strcmp(mode, "prctl") == 0) {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) perror("prctl");
  } else if (strcmp(mode, "int80") == 0) {
    long pid;
    __asm__ volatile("int $0x80" : "=a"(pid) : "a"(20L) : "memory");
    printf("int $0x80 getpid is this process's pid: %s\n", pid == syscall(SYS_getpid) ? "true" : "false");
  } else if (strcmp(mode, "opens") == 0 && argc == 4) {
    for (int i = 2; i < 4; i++) {
      int fd = open(argv[i], O_RDONLY);
      if (fd < 0) perror(argv[i]);
      else close(fd);
    }
  } else {
    return 2;
  }
  snappy_checkpoint();
  printf("done %s\n", mode);
  return 0;
}
