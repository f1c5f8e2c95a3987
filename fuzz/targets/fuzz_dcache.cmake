# fuzz_dcache: the dcache protocol model, input = ops + schedule (fuzz/fuzz_dcache.cpp).
# NFZ_DCACHE_VARIANT=<variant> picks the seeded bug to hunt (default: fixed).
if(DEFINED NFZ_DCACHE_SOURCES)
  nfz_fuzz_library(nfz_dcache_fuzz ${NFZ_DCACHE_SOURCES})
  nfz_fuzz_target(fuzz_dcache ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_dcache.cpp nfz_dcache_fuzz)
endif()
