# fuzz_kernel: the real kernel, input = a concurrent Program (fuzz/fuzz_kernel.cpp). Only its
# own sources are instrumented here; the harness libraries are the plain ones (ASan on one
# side only would report false container overflows). An OSS-Fuzz build instruments
# everything through $CXXFLAGS and links $LIB_FUZZING_ENGINE (.clusterfuzzlite/build.sh).
set(NAMEIFUZZ_FUZZ_ENGINE "-fsanitize=fuzzer" CACHE STRING "how fuzz_kernel links libFuzzer ($LIB_FUZZING_ENGINE)")
file(GLOB NFZ_FUZZ_KERNEL_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/kernel/*.cpp)
add_executable(fuzz_kernel ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_kernel.cpp ${NFZ_FUZZ_KERNEL_SOURCES})
target_include_directories(fuzz_kernel PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(fuzz_kernel PRIVATE nfz_stress rapidcheck)
target_compile_options(fuzz_kernel PRIVATE -fsanitize=fuzzer-no-link)
separate_arguments(nfz_fuzz_engine_flags UNIX_COMMAND "${NAMEIFUZZ_FUZZ_ENGINE}")
target_link_options(fuzz_kernel PRIVATE ${nfz_fuzz_engine_flags})
set_target_properties(fuzz_kernel PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
