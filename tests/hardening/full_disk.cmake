# A full disk (a small tmpfs): every writer gives one line naming the path and
# "No space left on device", a non-zero exit, and leaves no temporary file,
# nothing under the final name and a previous file there intact
# (full_disk_test.sh). Skipped (77) where tmpfs cannot be mounted.
add_executable(full_disk_target full_disk_target.c)
target_include_directories(full_disk_target PRIVATE ${CMAKE_SOURCE_DIR}/examples/c)

if(TARGET ptracer AND TARGET snap AND TARGET snapinfo AND TARGET restore)
  add_test(NAME hardening.full_disk
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/full_disk_test.sh
                   $<TARGET_FILE:ptracer> $<TARGET_FILE:snap> $<TARGET_FILE:snapinfo> $<TARGET_FILE:restore>
                   $<TARGET_FILE:full_disk_target> ${CMAKE_CURRENT_BINARY_DIR}/work_full_disk)
  set_tests_properties(hardening.full_disk PROPERTIES TIMEOUT 180 LABELS integration SKIP_RETURN_CODE 77)
endif()
