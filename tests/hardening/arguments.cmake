# Every tool's bad command lines and unusable paths: one line on stderr, the
# exit code of the README's table (arguments_test.sh has the cases).
if(TARGET ptracer AND TARGET restore AND TARGET snapinfo AND TARGET snapfs AND TARGET snap AND TARGET elf_loader)
  add_test(NAME hardening.arguments
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/arguments_test.sh
                   $<TARGET_FILE:ptracer> $<TARGET_FILE:restore> $<TARGET_FILE:snapinfo>
                   $<TARGET_FILE:snapfs> $<TARGET_FILE:snap> $<TARGET_FILE:elf_loader>
                   ${CMAKE_CURRENT_BINARY_DIR}/arguments)
  set_tests_properties(hardening.arguments PROPERTIES TIMEOUT 300 LABELS integration)
endif()
