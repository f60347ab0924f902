#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Grows the main heap by about `reserve` bytes in one step and asks the kernel to back that part
   with transparent huge pages, so filling it costs one page fault per 2 MiB instead of one per
   4 KiB. The heap keeps `reserve` as its padding from then on, so later growth and trimming also
   come in large steps. Returns the bytes advised (0 when the heap did not grow where expected, or
   madvise refused). Call it before any thread but the main one allocates. */
static inline size_t bulwark_heap_reserve_huge_pages(size_t reserve) {
  if (reserve > INT32_MAX || mallopt(M_TOP_PAD, (int)reserve) == 0) return 0;
  char *before = sbrk(0);
  void *blocks[64];
  int count = 0;
  /* Blocks below the mmap threshold come from the heap; the one that does not fit grows it. */
  while (count < 64 && (char *)sbrk(0) == before) {
    blocks[count] = malloc(64 * 1024);
    if (blocks[count] == NULL) break;
    count++;
  }
  char *after = sbrk(0);
  for (int i = 0; i < count; i++) free(blocks[i]);
  if (after <= before) return 0;
  const uintptr_t huge = (uintptr_t)2 << 20;
  uintptr_t start = ((uintptr_t)before + huge - 1) & ~(huge - 1);
  uintptr_t end = (uintptr_t)after & ~(huge - 1);
  if (end <= start) return 0;
  if (madvise((void *)start, end - start, MADV_HUGEPAGE) != 0) return 0;
  return end - start;
}
