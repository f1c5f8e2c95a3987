# fuzz_kernel: the real kernel, input = a concurrent Program (fuzz/fuzz_kernel.cpp). Its parts
# (fuzz/kernel/: encoder, mutators, outcome counters, settings) are the library
# nfz_fuzz_kernel, which tests/fuzz tests too. Only the target's own file is instrumented
# here and the harness libraries are the plain ones (ASan on one side only would report
# false container overflows); an OSS-Fuzz build instruments everything through $CXXFLAGS
# and links $LIB_FUZZING_ENGINE (.clusterfuzzlite/build.sh).
set(NAMEIFUZZ_FUZZ_ENGINE "-fsanitize=fuzzer" CACHE STRING "how fuzz_kernel links libFuzzer ($LIB_FUZZING_ENGINE)")
file(GLOB NFZ_FUZZ_KERNEL_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/kernel/*.cpp)
add_library(nfz_fuzz_kernel STATIC ${NFZ_FUZZ_KERNEL_SOURCES})
target_include_directories(nfz_fuzz_kernel PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(nfz_fuzz_kernel PUBLIC nfz_stress_judge rapidcheck)
add_executable(fuzz_kernel ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_kernel.cpp)
target_link_libraries(fuzz_kernel PRIVATE nfz_fuzz_kernel)
target_compile_options(fuzz_kernel PRIVATE -fsanitize=fuzzer-no-link)
separate_arguments(nfz_fuzz_engine_flags UNIX_COMMAND "${NAMEIFUZZ_FUZZ_ENGINE}")
target_link_options(fuzz_kernel PRIVATE ${nfz_fuzz_engine_flags})
set_target_properties(fuzz_kernel PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
