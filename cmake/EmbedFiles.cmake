# hudhud_embed_files(OUTPUT <file.cpp> FUNCTION <ns::Name> FILES <file>...)
#   Generates, at build time, a .cpp defining
#     std::span<const std::pair<std::string_view, std::string_view>> ns::Name()
#   that returns {file name, file contents} for each listed file, in the order given. The .cpp is
#   regenerated whenever one of the files changes; add it to a target's sources. Files are listed
#   by hand (no GLOB) so that adding one is a reviewed change. Relative paths are taken from the
#   current source directory.
set(HUDHUD_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/EmbedFilesScript.cmake)

function(hudhud_embed_files)
  cmake_parse_arguments(E "" "OUTPUT;FUNCTION" "FILES" ${ARGN})
  if(NOT E_OUTPUT OR NOT E_FUNCTION OR NOT E_FILES)
    message(FATAL_ERROR "hudhud_embed_files needs OUTPUT, FUNCTION and FILES")
  endif()
  set(abs_files)
  foreach(f IN LISTS E_FILES)
    get_filename_component(abs ${f} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND abs_files ${abs})
  endforeach()
  # A list cannot pass through -D on a command line intact, so it travels '|'-separated.
  string(REPLACE ";" "|" files_arg "${abs_files}")
  add_custom_command(
    OUTPUT ${E_OUTPUT}
    COMMAND ${CMAKE_COMMAND}
      -DOUTPUT=${E_OUTPUT}
      -DFUNCTION=${E_FUNCTION}
      -DFILES=${files_arg}
      -P ${HUDHUD_EMBED_SCRIPT}
    DEPENDS ${abs_files} ${HUDHUD_EMBED_SCRIPT}
    COMMENT "Embedding ${E_FUNCTION}"
    VERBATIM)
endfunction()
