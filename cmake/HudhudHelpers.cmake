# hudhud_add_module(NAME <name> SRCS ... DEPS ...)
#   Creates static library hudhud_<name> with alias hudhud::<name>. Include root is src/.
function(hudhud_add_module)
  cmake_parse_arguments(M "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(hudhud_${M_NAME} STATIC ${M_SRCS})
  add_library(hudhud::${M_NAME} ALIAS hudhud_${M_NAME})
  target_include_directories(hudhud_${M_NAME} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(hudhud_${M_NAME} PUBLIC ${M_DEPS})
endfunction()

# hudhud_add_test(NAME <name> SRCS ... DEPS ... [LABELS unit|pg|integration|slow])
#   A GoogleTest executable registered with ctest through gtest_discover_tests.
function(hudhud_add_test)
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SRCS})
  target_include_directories(${T_NAME} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  target_compile_definitions(${T_NAME} PRIVATE
    HUDHUD_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    HUDHUD_BINARY_DIR="${CMAKE_BINARY_DIR}")
  gtest_discover_tests(${T_NAME}
    PROPERTIES LABELS "${T_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()
