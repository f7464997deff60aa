# Output files on a shared machine: nobody plants symlinks and open files at
# every name a writer could use, in a sticky directory and in an open one;
# streams (-o -, /dev/stdout, a FIFO, /dev/null) are written through, never
# replaced (output_files_test.sh). Skipped (77) when not root.
if(TARGET ptracer AND TARGET snap AND TARGET snapinfo)
  add_test(NAME hardening.output_files
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/output_files_test.sh
                   $<TARGET_FILE:ptracer> $<TARGET_FILE:snap> $<TARGET_FILE:snapinfo>
                   $<TARGET_FILE:tiny_target> ${CMAKE_CURRENT_BINARY_DIR}/work_output_files)
  set_tests_properties(hardening.output_files PROPERTIES TIMEOUT 300 LABELS integration SKIP_RETURN_CODE 77)
endif()
