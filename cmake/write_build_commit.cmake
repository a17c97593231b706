# Writes OUT (a header defining NMT_COMMIT) from `git describe` of SOURCE_DIR, touching it only
# when the commit changes, so that a build recompiles one file after a commit and none otherwise.
execute_process(COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --abbrev=12
                OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE status)
if(NOT status EQUAL 0 OR commit STREQUAL "")
  # No parentheses inside: the version line is "PROGRAM (nmt X.Y.Z, commit ...)".
  set(commit "unknown: not built from a git checkout")
endif()
file(WRITE "${OUT}.new" "#define NMT_COMMIT \"${commit}\"\n")
file(COPY_FILE "${OUT}.new" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.new")
