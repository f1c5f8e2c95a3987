// ---- check (uring.link): a request that failed did not sever its IOSQE_IO_LINK chain:
// the linked request after it ran instead of completing -ECANCELED ----
static int try_once(char *why, size_t len) {
  fresh_run(0);
  for (int l = 0; l < NLISTS; ++l)
    for (int i = 0; i < lists[l].n;) {
      int n = chain_length(lists[l].ops, lists[l].n, i);
      for (int k = i; k + 1 < i + n; ++k) {
        const struct outcome *a = &shared->out[lists[l].first + k], *b = a + 1;
        if (!a->ran || a->res >= 0 || a->res == -ECANCELED || !b->ran || b->res == -ECANCELED) continue;
        snprintf(why, len, "%s failed (%s), and its linked successor %s still ran (%s)", where(l, k), errname(a->res),
                 lists[l].ops[k + 1].text, errname(b->res));
        return 1;
      }
      i += n;
    }
  snprintf(why, len, "every failed linked request severed its chain");
  return 0;
}
