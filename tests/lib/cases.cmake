# Record-restore-compare cases as data: a case is a file (a script of ours
# in its interpreter's language, or a NAME.case holding only the
# description) whose lines carry annotations like the C targets' ones,
#   <comment> snappy-test: KEY=VALUE
# and each becomes a ctest test run by tests/targets/run_target.sh (cold
# run, recording, three restores, compared byte for byte).
#
# Keys (VALUE lists are comma-separated):
#   case=NAME         starts a case: the test is PREFIX.NAME; the keys above
#                     the first case= are shared by every case of the file,
#                     the ones after it are that case's own (they override)
#   run=PROG,ARG,...  the command: the interpreter, its options and the
#                     script. @FILE@ is this file, @DIR@ its directory,
#                     @SRCDIR@ the source tree, @BINDIR@ the build tree
#   stdin=FILE        every run's stdin (relative to @DIR@; default /dev/null)
#   record-stdin=FILE the recording's stdin instead
#   record-to-pipe=yes  the recording's stdout and stderr a pipe
#   expect-exit=N     the cold run's exit status (default 0)
#   trigger=REGEX     what ptracer's summary line must say about the
#                     snapshot point (default "checkpoint marker")
#   record=ARG,...    extra ptracer arguments
#   restore-args=ARG,...  arguments of every restore (e.g. --pid-ns)
#   cold-runs=N       cold runs that must agree (the corpus: 3)
#   concurrent=N      N more restores running at once after the three
#   pipe-restore=yes  one more restore whose stdout is a pipe
#   run-timeout=S     per run (run_target.sh --timeout)
#   timeout=S         the whole test's (ctest TIMEOUT, default 300)
#   env=K=V,...       environment of every run (beside LC_ALL=C.UTF-8)
#   labels=L,...      labels besides the directory's (e.g. long)
#   unset=VAR,...     variables removed from the environment (the caller's
#                     PYTHONHOME and the like must not change the case)
# A program that is not installed fails its test saying so (run ./make.sh).

set(SNAPPY_RUN_TARGET ${CMAKE_CURRENT_LIST_DIR}/../targets/run_target.sh)

# snappy_run_target_test(NAME WORKDIR LABELS TIMEOUT ENV OPTIONS... -- PROG ARGS...):
# one test running run_target.sh with OPTIONS on PROG ARGS. LABELS and ENV
# are lists (pass "" for none).
function(snappy_run_target_test name workdir labels timeout env)
  set(options)
  set(command)
  set(seen_sep FALSE)
  foreach(arg ${ARGN})
    if(NOT seen_sep AND arg STREQUAL "--")
      set(seen_sep TRUE)
    elseif(seen_sep)
      list(APPEND command ${arg})
    else()
      list(APPEND options ${arg})
    endif()
  endforeach()
  add_test(NAME ${name}
           COMMAND ${SNAPPY_RUN_TARGET} ${options}
                   $<TARGET_FILE:ptracer> $<TARGET_FILE:restore> ${workdir} ${command})
  set(environment LC_ALL=C.UTF-8 ${env})
  set_tests_properties(${name} PROPERTIES
      LABELS "${labels}" TIMEOUT ${timeout} ENVIRONMENT "${environment}")
endfunction()

# snappy_case_value(FILE CASE KEY OUT): the case's own KEY, else the
# file's shared one, else "" (the parsed annotations are in the caller's
# scope as _case_<CASE>_<KEY>, _case__shared_<KEY>).
macro(snappy_case_value case key out)
  if(DEFINED _case_${case}_${key})
    set(${out} "${_case_${case}_${key}}")
  elseif(DEFINED _case__shared_${key})
    set(${out} "${_case__shared_${key}}")
  else()
    set(${out} "")
  endif()
endmacro()

# snappy_add_case_file(PREFIX LABELS WORK_DIR FILE DEFAULT_OPTIONS...): the
# tests PREFIX.CASE of FILE; DEFAULT_OPTIONS go to run_target.sh before the
# case's own (which win: each option is given once, the case's last).
function(snappy_add_case_file prefix labels work_dir src)
  get_filename_component(dir ${src} DIRECTORY)
  file(STRINGS ${src} lines REGEX "snappy-test: [a-z-]+=")
  set(cases)
  set(current _shared)
  foreach(line ${lines})
    string(REGEX REPLACE ".*snappy-test: ([a-z-]+)=.*" "\\1" key "${line}")
    string(REGEX REPLACE ".*snappy-test: [a-z-]+=" "" value "${line}")
    string(REGEX REPLACE "[ \t]*\\*/$" "" value "${value}")  # a C-style comment's end
    string(STRIP "${value}" value)
    string(REPLACE "-" "_" key "${key}")
    if(key STREQUAL "case")
      list(APPEND cases ${value})
      set(current ${value})
    else()
      set(_case_${current}_${key} "${value}")
    endif()
  endforeach()
  if(NOT cases)
    message(FATAL_ERROR "${src}: snappy-test annotations but no case=NAME")
  endif()
  foreach(case ${cases})
    set(options ${ARGN})
    snappy_case_value(${case} run run)
    if(NOT run)
      message(FATAL_ERROR "${src}: case ${case} has no run=")
    endif()
    foreach(var run stdin record_stdin)
      snappy_case_value(${case} ${var} value)
      string(REPLACE "@FILE@" "${src}" value "${value}")
      string(REPLACE "@DIR@" "${dir}" value "${value}")
      string(REPLACE "@SRCDIR@" "${CMAKE_SOURCE_DIR}" value "${value}")
      string(REPLACE "@BINDIR@" "${CMAKE_BINARY_DIR}" value "${value}")
      if(value AND NOT var STREQUAL "run" AND NOT IS_ABSOLUTE "${value}")
        set(value "${dir}/${value}")
      endif()
      set(${var} "${value}")
    endforeach()
    string(REPLACE "," ";" run "${run}")
    if(stdin)
      list(APPEND options --stdin ${stdin})
    endif()
    if(record_stdin)
      list(APPEND options --record-stdin ${record_stdin})
    endif()
    snappy_case_value(${case} trigger trigger)
    if(NOT trigger)
      set(trigger "checkpoint marker")
    endif()
    list(APPEND options --expect-trigger ${trigger})
    # KEY=N becomes OPTION N.
    foreach(pair "expect_exit;--expect-exit" "cold_runs;--cold-runs"
                 "concurrent;--concurrent" "run_timeout;--timeout")
      list(GET pair 0 var)
      list(GET pair 1 option)
      snappy_case_value(${case} ${var} value)
      if(NOT value STREQUAL "")
        list(APPEND options ${option} ${value})
      endif()
    endforeach()
    # KEY=A,B becomes OPTION A OPTION B.
    foreach(pair "record;--ptracer-arg" "restore_args;--restore-arg")
      list(GET pair 0 var)
      list(GET pair 1 option)
      snappy_case_value(${case} ${var} value)
      string(REPLACE "," ";" value "${value}")
      foreach(arg ${value})
        list(APPEND options ${option} ${arg})
      endforeach()
    endforeach()
    # KEY=yes becomes OPTION.
    foreach(pair "record_to_pipe;--record-to-pipe" "pipe_restore;--pipe-restore")
      list(GET pair 0 var)
      list(GET pair 1 option)
      snappy_case_value(${case} ${var} value)
      if(value STREQUAL "yes")
        list(APPEND options ${option})
      endif()
    endforeach()
    snappy_case_value(${case} timeout timeout)
    if(NOT timeout)
      set(timeout 300)
    endif()
    snappy_case_value(${case} env env)
    string(REPLACE "@SRCDIR@" "${CMAKE_SOURCE_DIR}" env "${env}")
    string(REPLACE "," ";" env "${env}")
    snappy_case_value(${case} labels extra_labels)
    string(REPLACE "," ";" extra_labels "${extra_labels}")
    set(all_labels ${labels} ${extra_labels})
    snappy_run_target_test(${prefix}.${case} ${work_dir}/${case} "${all_labels}"
                           ${timeout} "${env}" ${options} -- ${run})
    snappy_case_value(${case} unset unset)
    if(unset)
      string(REGEX REPLACE "([^,]+)" "\\1=unset:" unset "${unset}")
      string(REPLACE "," ";" unset "${unset}")
      set_tests_properties(${prefix}.${case} PROPERTIES ENVIRONMENT_MODIFICATION "${unset}")
    endif()
  endforeach()
endfunction()

# snappy_add_cases(PREFIX LABELS WORK_DIR GLOB [DEFAULT_OPTIONS...]): every
# file matching GLOB that carries "snappy-test: case=".
function(snappy_add_cases prefix labels work_dir glob)
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${glob})
  list(SORT files)
  foreach(src ${files})
    get_filename_component(file_name ${src} NAME)
    if(file_name STREQUAL "CMakeLists.txt" OR file_name MATCHES "\\.md$")
      continue()  # documentation may quote an annotation
    endif()
    file(STRINGS ${src} has_case REGEX "snappy-test: case=")
    if(has_case)
      snappy_add_case_file(${prefix} "${labels}" ${work_dir} ${src} ${ARGN})
    endif()
  endforeach()
endfunction()
