// ---- check (linearizable): the run ends with the outcomes of the failing History,
// a combination no order of the ops explains ----
static int try_once(char *why, size_t len) {
  fresh_run(0);
  for (int k = 0; k < NEXPECTED; ++k) {
    const struct expected *e = &expected[k];
    const struct outcome *o = &shared->out[lists[e->list].first + e->index];
    int same = e->hung ? o->hung : !o->hung && o->ran && (o->res >= 0) == (e->res >= 0) && (o->res >= 0 || o->res == e->res);
    if (same) continue;
    snprintf(why, len, "%s: %s, where the failing History has %s", where(e->list, e->index),
             o->hung ? "hung" : errname(o->res), e->hung ? "hung" : errname(e->res));
    return 0;
  }
  snprintf(why, len, "all %d outcomes are the failing History's: %s", NEXPECTED, HISTORY_SUMMARY);
  return 1;
}
