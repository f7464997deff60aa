/* A computation-heavy startup: a 1e6-entry table and a malloc'd list are
 * built before the checkpoint, checksummed and reused after it. Built in
 * every link mode (PIE, non-PIE, static, static-PIE).
 * snappy-test: variants=pie,no-pie,static,static-pie
 * snappy-test: learn=yes
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "target_check.h"

#define TABLE_SIZE 1000000
#define LIST_SIZE 20000

static uint32_t table[TABLE_SIZE];  /* .bss, written before the checkpoint */
static const char greeting[] = "compute_table";  /* .rodata */
static int initialized_data = 12345;             /* .data */

struct node {
  struct node *next;
  uint64_t value;
  char text[24];
};

static uint64_t fnv1a(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

int main(void) {
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < TABLE_SIZE; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    table[i] = (uint32_t)x;
  }
  struct node *head = NULL;
  for (int i = 0; i < LIST_SIZE; i++) {
    struct node *n = malloc(sizeof *n);
    if (!n) return 2;
    n->next = head;
    n->value = table[i * 7];
    snprintf(n->text, sizeof n->text, "node %d", i);
    head = n;
  }
  initialized_data++;
  printf("setup: %s built a table of %d entries and a list of %d nodes\n",
         greeting, TABLE_SIZE, LIST_SIZE);
  fflush(stdout);

  snappy_checkpoint();

  uint64_t h = fnv1a(0xcbf29ce484222325ull, table, sizeof table);
  printf("table checksum: %016llx\n", (unsigned long long)h);
  uint64_t lh = 0xcbf29ce484222325ull;
  int count = 0, texts_ok = 1;
  for (struct node *n = head; n; n = n->next, count++) {
    char expect[24];
    snprintf(expect, sizeof expect, "node %d", LIST_SIZE - 1 - count);
    if (strcmp(expect, n->text) != 0) texts_ok = 0;
    lh = fnv1a(lh, &n->value, sizeof n->value);
  }
  printf("list nodes: %d, checksum: %016llx\n", count, (unsigned long long)lh);
  check("list texts intact", texts_ok);
  check(".data intact", initialized_data == 12346);
  /* The heap keeps working: free the list, allocate big and small again. */
  while (head) { struct node *n = head->next; free(head); head = n; }
  char *big = malloc(64 << 20);
  check("64 MiB malloc after checkpoint", big != NULL);
  if (big) { memset(big, 1, 64 << 20); free(big); }
  int small_ok = 1;
  for (int i = 0; i < 10000; i++) {
    char *p = malloc(100);
    if (!p) { small_ok = 0; break; }
    p[99] = 1;
    free(p);
  }
  check("small mallocs after checkpoint", small_ok);
  return finish();
}
