/* Prints the names a process has for itself: argv[0], AT_EXECFN and its
 * comm before and after its snapshot point, and what /proc/self/exe links
 * to before it (after it, an instance's is restore: README "Limitations"),
 * so that a test can compare a recorded and restored run with a cold one
 * started the same way (program_names_test.sh). */
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "snappy_checkpoint.h"

static void print_names(const char* when, const char* argv0, int with_exe) {
  char comm[32] = "", exe[4096] = "";
  FILE* f = fopen("/proc/self/comm", "r");
  if (f) {
    if (!fgets(comm, sizeof comm, f)) comm[0] = '\0';
    fclose(f);
  }
  comm[strcspn(comm, "\n")] = '\0';
  ssize_t n = with_exe ? readlink("/proc/self/exe", exe, sizeof exe - 1) : 0;
  exe[n > 0 ? n : 0] = '\0';
  printf("%s: argv[0] %s, AT_EXECFN %s, comm %s%s%s\n", when, argv0,
         (const char*)getauxval(AT_EXECFN), comm, with_exe ? ", exe " : "", exe);
  fflush(stdout);
}

int main(int argc, char** argv) {
  (void)argc;
  print_names("before", argv[0], 1);
  snappy_checkpoint();
  print_names("after", argv[0], 0);
  return 0;
}
