// The few ELF and auxiliary-vector definitions the loader needs, written out
// because the freestanding build sees no <elf.h> (values from the System V
// gABI, the x86-64 psABI and include/uapi/linux/auxvec.h).
#pragma once

#include <stdint.h>

namespace snappy::elf {

struct Elf64_Ehdr {
  unsigned char e_ident[16];
  uint16_t e_type;
  uint16_t e_machine;
  uint32_t e_version;
  uint64_t e_entry;
  uint64_t e_phoff;
  uint64_t e_shoff;
  uint32_t e_flags;
  uint16_t e_ehsize;
  uint16_t e_phentsize;
  uint16_t e_phnum;
  uint16_t e_shentsize;
  uint16_t e_shnum;
  uint16_t e_shstrndx;
};
static_assert(sizeof(Elf64_Ehdr) == 64, "ELF64 header layout");

struct Elf64_Phdr {
  uint32_t p_type;
  uint32_t p_flags;
  uint64_t p_offset;
  uint64_t p_vaddr;
  uint64_t p_paddr;
  uint64_t p_filesz;
  uint64_t p_memsz;
  uint64_t p_align;
};
static_assert(sizeof(Elf64_Phdr) == 56, "ELF64 program header layout");

// e_ident
constexpr int kEiClass = 4, kEiData = 5;
constexpr unsigned char kElfClass64 = 2, kElfData2Lsb = 1;
// e_type, e_machine
constexpr uint16_t kEtExec = 2, kEtDyn = 3;
constexpr uint16_t kEmX86_64 = 62;
// p_type, p_flags
constexpr uint32_t kPtLoad = 1, kPtInterp = 3, kPtPhdr = 6;
constexpr uint32_t kPtGnuStack = 0x6474e551;
constexpr uint32_t kPfX = 1, kPfW = 2, kPfR = 4;

// Auxiliary vector types (include/uapi/linux/auxvec.h, asm/auxvec.h).
constexpr uint64_t kAtNull = 0, kAtPhdr = 3, kAtPhent = 4, kAtPhnum = 5,
                   kAtPagesz = 6, kAtBase = 7, kAtEntry = 9,
                   kAtPlatform = 15, kAtRandom = 25, kAtExecfn = 31,
                   kAtBasePlatform = 24, kAtSysinfoEhdr = 33;

}  // namespace snappy::elf
