// Maps an ELF file's PT_LOAD segments into the loader's own address space,
// the way fs/binfmt_elf.c (Linux 6.18) and musl's ldso/dynlink.c do:
//
// * The whole span of PT_LOADs is reserved with one PROT_NONE mmap first, so
//   the segments of an ET_DYN keep their distances (one load bias for all)
//   and nothing else can land between them; ET_EXEC reserves its linked
//   address with MAP_FIXED_NOREPLACE and fails loudly if it is taken.
//   A main program of type ET_DYN (PIE, static-pie) goes near the kernel's
//   ELF_ET_DYN_BASE with a random offset, so its brk heap can grow; an
//   interpreter goes wherever mmap puts it. A p_align above the page size
//   is honoured, as the kernel does since 5.10.
// * Each segment is then mapped MAP_FIXED from the file; the rest of a
//   writable segment's last file page past p_filesz is zeroed (the kernel's
//   padzero: that page holds whatever follows in the file), and anonymous
//   pages cover the rest of p_memsz (.bss). Gaps between segments stay
//   PROT_NONE reservations, as with glibc's and musl's loaders.
//
// Validation (header, program headers, PT_INTERP) happens before the first
// mmap, so a bad file dies without leaving anything mapped.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace snappy {

struct ElfImage {
  uint64_t bias = 0;   // runtime address minus p_vaddr; 0 for ET_EXEC
  uint64_t entry = 0;  // runtime entry point
  uint64_t phdr = 0;   // runtime address of the program headers (AT_PHDR)
  uint64_t phent = 0, phnum = 0;
  // The kernel's definitions for mm->start_code.. (load_elf_binary):
  // code = lowest start to highest file end of PF_X segments; start_data is
  // the highest p_vaddr of any segment, end_data the highest file end.
  uint64_t start_code = 0, end_code = 0, start_data = 0, end_data = 0;
  uint64_t brk = 0;         // page-aligned end of the highest segment
  bool exec_stack = false;  // PT_GNU_STACK asks for PF_X
};

// Opens and maps `path`. If `interp` is not null, the PT_INTERP path (if
// any) is copied into it (NUL-terminated; "" if there is none), else a
// PT_INTERP is ignored (an interpreter's own interpreter, as the kernel
// does). Dies with `elf_loader: <path>: <why>` on any error.
ElfImage load_elf(const char* path, char* interp, size_t interp_size);

}  // namespace snappy
