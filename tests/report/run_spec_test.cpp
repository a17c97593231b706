// Resolving recipes and run directories, and what collecting needs: errors name what is wrong.
#include "nmt/report/run_spec.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace nmt::report {
namespace {

namespace fs = std::filesystem;

class RunSpecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::chdir(NMT_SOURCE_DIR), 0);
    dir_ = fs::temp_directory_path() / ("nmt-run-spec-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string error(const std::function<void()>& f) {
    try {
      f();
    } catch (const std::exception& e) {
      return e.what();
    }
    return "no error";
  }
  fs::path dir_;
};

TEST_F(RunSpecTest, RecipesAndRunDirectoriesGetTheirNames) {
  const fs::path run = dir_ / "my-run";
  const RunSpec a = resolve_run("recipes/tiny.yaml", {"output.directory=" + run.string()});
  EXPECT_EQ(a.name, "tiny");
  EXPECT_FALSE(a.from_directory);
  EXPECT_EQ(a.directory(), run.string());
  fs::create_directories(run);
  std::ofstream(run / "recipe.yaml") << a.recipe.effective_yaml;
  const RunSpec b = resolve_run(run.string() + "/", {"training.max_steps=20"});
  EXPECT_EQ(b.name, "my-run");
  EXPECT_TRUE(b.from_directory);
  EXPECT_EQ(b.recipe.training.max_steps, 20);
  EXPECT_EQ(b.recipe.model.attention, "luong-general");
}

// --seeds N: a run per seed, the first in the recipe's own directory (a run made without
// --seeds is the first seed), the others beside it.
TEST_F(RunSpecTest, SeedsGiveARunPerSeedBesideTheRecipesOwn) {
  const fs::path run = dir_ / "tiny-run";
  const auto specs = resolve_runs({"recipes/tiny.yaml"}, {"output.directory=" + run.string(), "training.seed=7"}, 3);
  ASSERT_EQ(specs.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(specs[k].recipe_name, "tiny");
    EXPECT_EQ(specs[k].recipe.training.seed, 7 + static_cast<std::int64_t>(k));
    EXPECT_EQ(specs[k].name, "tiny seed " + std::to_string(7 + k));
  }
  EXPECT_EQ(specs[0].directory(), run.string());
  EXPECT_EQ(specs[1].directory(), run.string() + "-seed8");
  EXPECT_EQ(specs[2].directory(), run.string() + "-seed9");
  // Two recipes of one name (a/tiny.yaml, b/tiny.yaml): every run of both is named by its
  // argument; a directory written with a trailing slash gets its seeds beside it.
  std::string tiny;
  {
    std::ifstream in("recipes/tiny.yaml");
    tiny.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  for (const std::string side : {"a", "b"}) {
    fs::create_directories(dir_ / side);
    std::string text = tiny;
    text.replace(text.find("directory: runs/tiny"), 20, "directory: " + (dir_ / ("run-" + side + "/")).string());
    std::ofstream(dir_ / side / "tiny.yaml") << text;
  }
  const std::string a = (dir_ / "a" / "tiny.yaml").string(), b = (dir_ / "b" / "tiny.yaml").string();
  const auto two = resolve_runs({a, b}, {}, 2);
  ASSERT_EQ(two.size(), 4u);
  EXPECT_EQ(two[0].name, a + " seed 1");
  EXPECT_EQ(two[1].name, a + " seed 2");
  EXPECT_EQ(two[2].name, b + " seed 1");
  EXPECT_EQ(two[3].recipe_name, b);
  EXPECT_EQ(two[1].directory(), (dir_ / "run-a").string() + "-seed2");
  const auto one = resolve_runs({"recipes/tiny.yaml"}, {"output.directory=" + run.string()}, 1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].name, "tiny");
  EXPECT_EQ(one[0].recipe_name, "tiny");

  fs::create_directories(run);
  std::ofstream(run / "recipe.yaml") << specs[0].recipe.effective_yaml;
  EXPECT_EQ(
      error([&] { resolve_runs({run.string()}, {}, 2); }),
      run.string() + " is a run directory, trained with one seed; --seeds 2 trains recipes: give the recipe file");
  EXPECT_EQ(error([&] { resolve_runs({"recipes/tiny.yaml"}, {}, 0); }), "--seeds must be at least 1, not 0");
}

TEST_F(RunSpecTest, RunsMustHaveTheirOwnDirectoriesAndOneTestSet) {
  fs::create_directories(dir_ / "a");
  std::ofstream(dir_ / "other.yaml")
      << "data:\n  train_source: x\n  train_target: y\n  test_source: t.en\n  test_target: t.fr\n"
         "training:\n  max_steps: 3\noutput:\n  directory: "
      << (dir_ / "b").string() << "\n";
  EXPECT_EQ(error([] {
              resolve_runs({"recipes/tiny.yaml", "recipes/tiny.yaml"}, {});
            }),
            "recipes/tiny.yaml and recipes/tiny.yaml both use the run directory runs/tiny: give each recipe its own "
            "output.directory");
  EXPECT_EQ(error([&] {
              resolve_runs({"recipes/tiny.yaml", (dir_ / "other.yaml").string()}, {});
            }),
            "recipes/tiny.yaml tests on tests/data/tiny/dev.en / tests/data/tiny/dev.fr but " +
                (dir_ / "other.yaml").string() + " on t.en / t.fr: their scores would not be comparable");
  EXPECT_EQ(error([&] { resolve_runs({(dir_ / "a").string()}, {}); }),
            (dir_ / "a").string() + " is a directory without a recipe.yaml: not a run directory");
  EXPECT_NE(error([&] { resolve_runs({(dir_ / "absent.yaml").string()}, {}); }).find((dir_ / "absent.yaml").string()),
            std::string::npos);
  EXPECT_EQ(error([] {
              resolve_runs({"recipes/tiny.yaml"}, {"data.test_source=", "data.test_target="});
            }),
            "recipes/tiny.yaml: no data.test_source and data.test_target: nothing to compare on");
}

TEST_F(RunSpecTest, CollectingNamesWhatIsMissing) {
  const fs::path run = dir_ / "run";
  const RunSpec spec = resolve_run("recipes/tiny.yaml", {"output.directory=" + run.string()});
  EXPECT_EQ(error([&] { check_collectable(spec); }),
            run.string() +
                ": no run directory (the output.directory of recipes/tiny.yaml); train it first, or leave out "
                "--collect-only");
  fs::create_directories(run);
  EXPECT_EQ(error([&] { check_collectable(spec); }),
            run.string() + ": no recipe.yaml: not a run directory (the output.directory of recipes/tiny.yaml)");
  const RunSpec other = resolve_run("recipes/tiny.yaml", {"output.directory=" + run.string(), "model.attention=none"});
  std::ofstream(run / "recipe.yaml") << other.recipe.effective_yaml;
  EXPECT_EQ(error([&] { check_collectable(spec); }),
            run.string() +
                " holds a run of a different recipe than recipes/tiny.yaml: model.attention is 'none' there "
                "and 'luong-general' here");
  std::ofstream(run / "recipe.yaml") << spec.recipe.effective_yaml;
  EXPECT_EQ(error([&] { check_collectable(spec); }),
            (run / "metrics.jsonl").string() + ": missing: the run has not started training");
  std::ofstream(run / "metrics.jsonl") << "";
  EXPECT_EQ(error([&] { check_collectable(spec); }),
            (run / "metrics.jsonl").string() + ": no records: the run has not trained yet");
  std::ofstream(run / "metrics.jsonl") << R"({"event":"stop","step":0,"time":0,"epoch":0,"reason":"signal"})"
                                       << "\n";
  EXPECT_EQ(error([&] { check_collectable(spec); }),
            (run / "model.nmt").string() + ": missing: no model to translate with");
}

}  // namespace
}  // namespace nmt::report
