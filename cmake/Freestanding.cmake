# The freestanding world of elf_loader and restore (STYLE.md rule 3): no libc,
# no libstdc++, no system headers at all (-nostdinc: only the compiler's own
# headers, our shims in common/freestanding/include and xxhash.h), linked
# static at the fixed window of common/snapshot_format.h. After linking,
# `nm -u` must list nothing.

# The window's address is written once, as kWindowStart in
# common/snapshot_format.h (restore and ptracer check addresses against it);
# the link address is read from there so the two cannot disagree.
file(STRINGS ${CMAKE_SOURCE_DIR}/common/snapshot_format.h SNAPPY_WINDOW_LINE
     REGEX "^constexpr uint64_t kWindowStart = 0x[0-9a-fA-F]+")
string(REGEX REPLACE ".*= (0x[0-9a-fA-F]+).*" "\\1" SNAPPY_WINDOW_START "${SNAPPY_WINDOW_LINE}")
if(NOT SNAPPY_WINDOW_START MATCHES "^0x[0-9a-fA-F]+$")
  message(FATAL_ERROR "cannot read kWindowStart from common/snapshot_format.h")
endif()

execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE COMPILER_INCLUDE_DIR OUTPUT_STRIP_TRAILING_WHITESPACE)

# xxhash.h alone, without the rest of /usr/include.
set(FREESTANDING_XXHASH_DIR ${CMAKE_BINARY_DIR}/freestanding_xxhash)
file(MAKE_DIRECTORY ${FREESTANDING_XXHASH_DIR})
file(CREATE_LINK ${XXHASH_INCLUDE_DIR}/xxhash.h ${FREESTANDING_XXHASH_DIR}/xxhash.h SYMBOLIC)

set(FREESTANDING_COMPILE_OPTIONS
    -ffreestanding -nostdinc -fno-exceptions -fno-rtti -fno-stack-protector
    -fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables
    -fno-unwind-tables -fno-threadsafe-statics -fpie -fcf-protection=none
    -fno-sanitize=all -O2 -g)
# -fpie: the window at 32 TiB is beyond the 32-bit absolute addresses that
# -fno-pie code uses (R_X86_64_32 would overflow); RIP-relative code links
# fine into a static, non-PIE image at the window.

set(FREESTANDING_COMMON_SOURCES
    ${CMAKE_SOURCE_DIR}/common/checksum.cc
    ${CMAKE_SOURCE_DIR}/common/info_reader.cc
    ${CMAKE_SOURCE_DIR}/common/pages_binding.cc
    ${CMAKE_SOURCE_DIR}/common/recorded_file.cc
    ${CMAKE_SOURCE_DIR}/common/freestanding/memory.cc)

function(add_freestanding_executable name)
  add_executable(${name} ${ARGN})
  # The compiler's include directory comes after our shims (-idirafter), named as a flag: CMake drops it
  # from include directories as an implicit one, but -nostdinc removed it.
  target_compile_options(${name} PRIVATE ${FREESTANDING_COMPILE_OPTIONS} -idirafter ${COMPILER_INCLUDE_DIR})
  target_include_directories(${name} SYSTEM BEFORE PRIVATE
      ${CMAKE_SOURCE_DIR}/common/freestanding/include
      ${FREESTANDING_XXHASH_DIR})
  target_link_options(${name} PRIVATE
      -static -nostdlib -no-pie -Wl,--build-id=none -Wl,-z,noexecstack
      -Wl,--gc-sections -Wl,-Ttext-segment=${SNAPPY_WINDOW_START})
  add_custom_command(TARGET ${name} POST_BUILD
      COMMAND ${CMAKE_SOURCE_DIR}/cmake/check_freestanding.sh $<TARGET_FILE:${name}>
      VERBATIM)
endfunction()
