// The model's first steps: an empty root, then the namespace basics.
#include "tests/model/model_test_util.hpp"

#include <cerrno>

namespace nfz::model {
namespace {

using testing::Sim;

TEST(LookupModelSmoke, ProfilesByName) {
  EXPECT_EQ(profile_by_name("tmpfs"), Profile::kTmpfs);
  EXPECT_EQ(profile_by_name("btrfs"), Profile::kBtrfs);
  EXPECT_EQ(profile_by_name("nfs"), std::nullopt);
  for (int i = 0; i < kProfileCount; ++i)
    EXPECT_EQ(profile_by_name(profile_name(static_cast<Profile>(i))), static_cast<Profile>(i));
}

TEST(LookupModelSmoke, CreateOpenUnlink) {
  Sim m;
  EXPECT_EQ(m.run("f0 = open(\"a\", O_WRONLY|O_CREAT, 0644)"), 0);
  EXPECT_EQ(m.run("open(\"a\", O_WRONLY|O_CREAT|O_EXCL, 0644)"), -EEXIST);
  EXPECT_EQ(m.run("mkdir(\"d\", 0755)"), 0);
  EXPECT_EQ(m.run("mkdir(\"d\", 0755)"), -EEXIST);
  EXPECT_EQ(m.run("rmdir(\"a\")"), -ENOTDIR);
  EXPECT_EQ(m.run("unlink(\"d\")"), -EISDIR);
  EXPECT_EQ(m.run("rename(\"a\", \"d/b\")"), 0);
  EXPECT_EQ(m.run("open(\"a\", O_RDONLY)"), -ENOENT);
  EXPECT_EQ(m.run("rmdir(\"d\")"), -ENOTEMPTY);
  EXPECT_EQ(m.run("unlink(\"d/b\")"), 0);
  EXPECT_EQ(m.run("rmdir(\"d\")"), 0);
  EXPECT_EQ(m.run("close(f0)"), 0);
  EXPECT_EQ(m.run("close(f0)"), -EBADF);
  EXPECT_EQ(m.state(), m.model().initial());
}

TEST(LookupModelSmoke, StatesCompareAndHashByContent) {
  Sim a, b;
  a.run_all({"mkdir(\"x\", 0755)", "mkdir(\"y\", 0755)"});
  b.run_all({"mkdir(\"y\", 0755)", "mkdir(\"x\", 0755)"});
  // Node numbers differ (x got #1 in a, #2 in b): equal contents up to numbering are
  // different states; only identical ones compare equal.
  Sim c;
  c.run_all({"mkdir(\"x\", 0755)", "mkdir(\"y\", 0755)"});
  EXPECT_EQ(a.state(), c.state());
  EXPECT_EQ(a.state().hash(), c.state().hash());
  EXPECT_NE(a.state(), b.state());
}

}  // namespace
}  // namespace nfz::model
