// ---- main ----
int main(int argc, char **argv) {
#if FS_KIND == FS_FUSE
  for (int i = 1; i < argc; ++i) faults_off |= strcmp(argv[i], "--no-fault") == 0;
  faults_off |= getenv("NFZ_REPRO_NO_FAULT") && strcmp(getenv("NFZ_REPRO_NO_FAULT"), "0") != 0;
#endif
  for (int i = 1; i < argc; ++i) verbose |= strcmp(argv[i], "-v") == 0;
  verbose |= getenv("NFZ_REPRO_VERBOSE") && strcmp(getenv("NFZ_REPRO_VERBOSE"), "0") != 0;
  if (geteuid() != 0) return fprintf(stderr, "repro: run it as root (mount namespace, mounts)\n"), 2;
  shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) die("mmap");
#if FS_KIND == FS_LOOP
  attach_loop();
#endif
  char why[1024];
  for (int t = 1; t <= TRIES; ++t)
    if (try_once(why, sizeof why)) {
      printf("reproduced on " TARGET " (try %d of %d): %s\n", t, TRIES, why);
      return 1;
    }
  printf("did not reproduce on " TARGET " (%d %s): %s\n", TRIES, TRIES == 1 ? "try" : "tries", why);
  return 0;
}
