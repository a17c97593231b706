// nmt-demo: a short end-to-end run of the library. A bidirectional LSTM tagger learns to
// reverse sequences of digits (the output at position t is the input at position T-1-t) with
// embeddings, the oneDNN LSTM, a linear output layer, cross-entropy and Adam, then reverses a
// few unseen sequences. Exit status 0 when it reaches the accuracy it should.
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>

#include "nmt/graph/build_info.h"
#include "nmt/graph/cpu_info.h"
#include "nmt/graph/engine.h"
#include "nmt/graph/openmp_waiting.h"
#include "nmt/graph/ops.h"
#include "nmt/graph/parameters.h"
#include "nmt/train/optimizer.h"

namespace po = boost::program_options;
using namespace nmt::graph;

namespace {

constexpr int kDigits = 10;

struct Model {
  Parameters params;
  Var embedding, output_weight, output_bias;
  LstmWeights lstm;
  Model(std::int64_t width, std::int64_t hidden, RandomGenerator& gen) {
    embedding = params.add("embedding", uniform_tensor({kDigits, width}, 0.1f, gen));
    lstm.weights_input = params.add("lstm.weights_input", uniform_tensor({2, width, 4, hidden}, 0.1f, gen));
    lstm.weights_hidden = params.add("lstm.weights_hidden", uniform_tensor({2, hidden, 4, hidden}, 0.1f, gen));
    lstm.bias = params.add("lstm.bias", Tensor::zeros({2, 4, hidden}));
    output_weight = params.add("output.weight", xavier_uniform({kDigits, 2 * hidden}, 2 * hidden, kDigits, gen));
    output_bias = params.add("output.bias", Tensor::zeros({kDigits}));
  }
  // ids: [T, N] time-major -> logits [T*N, digits]
  Var logits(const std::vector<std::int32_t>& ids, std::int64_t steps, std::int64_t batch) const {
    const Var x = embedding_lookup(ids, steps, batch);
    const Var states = lstm_states(x);
    return linear(reshape(states, {steps * batch, -1}), output_weight, output_bias);
  }

 private:
  Var embedding_lookup(const std::vector<std::int32_t>& ids, std::int64_t steps, std::int64_t batch) const {
    return nmt::graph::embedding(embedding, ids, {steps, batch});
  }
  Var lstm_states(const Var& x) const { return nmt::graph::lstm(x, lstm, RnnDirection::bidirectional_concat).output; }
};

// A batch of random digit sequences (time-major) and their reversals.
void make_batch(RandomGenerator& gen, std::int64_t steps, std::int64_t batch, std::vector<std::int32_t>& source,
                std::vector<std::int32_t>& target) {
  source.resize(steps * batch);
  target.resize(steps * batch);
  for (std::int64_t n = 0; n < batch; ++n)
    for (std::int64_t t = 0; t < steps; ++t) source[t * batch + n] = static_cast<std::int32_t>(gen.next() % kDigits);
  for (std::int64_t n = 0; n < batch; ++n)
    for (std::int64_t t = 0; t < steps; ++t) target[t * batch + n] = source[(steps - 1 - t) * batch + n];
}

}  // namespace

int main(int argc, char** argv) {
  nmt::graph::restart_with_openmp_spin_count(argv);  // before any parallel region; see openmp_waiting.h
  int steps_to_train = 600, threads = 2;
  std::int64_t length = 6, batch = 64;
  std::uint64_t seed = 1;
  po::options_description options("nmt-demo: a bidirectional LSTM learns to reverse digit sequences");
  options.add_options()("help,h", "show this help")("version", "show the version, commit and oneDNN version")(
      "steps", po::value(&steps_to_train)->default_value(steps_to_train), "training steps")(
      "length", po::value(&length)->default_value(length), "sequence length")(
      "batch", po::value(&batch)->default_value(batch), "sequences per batch")(
      "threads", po::value(&threads)->default_value(threads), "compute threads")(
      "seed", po::value(&seed)->default_value(seed), "random seed");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "nmt-demo: %s\n", e.what());
    return 2;
  }
  if (vm.count("help")) {
    std::printf("%s\n",
                [&] {
                  std::ostringstream s;
                  s << options;
                  return s.str();
                }()
                    .c_str());
    return 0;
  }
  if (vm.count("version")) {
    std::printf("%s", nmt::graph::version_text("nmt-demo").c_str());
    return 0;
  }
  if (length < 1 || batch < 1 || steps_to_train < 1) {
    std::fprintf(stderr, "nmt-demo: --length, --batch and --steps must be positive\n");
    return 2;
  }
  if (threads < 1 || threads > nmt::graph::kMaxComputeThreads) {
    std::fprintf(stderr, "nmt-demo: --threads must be between 1 and %d\n", nmt::graph::kMaxComputeThreads);
    return 2;
  }
  set_compute_threads(threads);
  std::printf("nmt-demo: %s\n", nmt::graph::cpu_line().c_str());
  RandomGenerator gen(seed);
  Model model(32, 64, gen);
  nmt::train::AdamOptions adam_options;
  adam_options.learning_rate = 0.02f;
  nmt::train::Adam adam(model.params.vars(), adam_options);
  std::printf("nmt-demo: %ld parameters, reversing %ld-digit sequences, batch %ld, %d threads\n",
              long(model.params.element_count()), long(length), long(batch), compute_threads());

  std::vector<std::int32_t> source, target;
  const auto start = std::chrono::steady_clock::now();
  double accuracy = 0;
  for (int step = 1; step <= steps_to_train; ++step) {
    make_batch(gen, length, batch, source, target);
    model.params.zero_grads();
    const Var logits = model.logits(source, length, batch);
    const Var loss = scale(cross_entropy(logits, target), 1.0f / static_cast<float>(target.size()));
    backward(loss);
    const std::vector<Var> vars = model.params.vars();
    nmt::train::clip_grad_norm(vars, 5.0);
    adam.step();
    if (step % 50 == 0 || step == steps_to_train) {
      int correct = 0;
      const float* l = logits.value().data();
      for (std::size_t i = 0; i < target.size(); ++i) {
        int best = 0;
        for (int k = 1; k < kDigits; ++k)
          if (l[i * kDigits + k] > l[i * kDigits + best]) best = k;
        correct += best == target[i];
      }
      accuracy = double(correct) / target.size();
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("step %4d  loss %.4f  token accuracy %5.1f%%  %.1f s\n", step, loss.value().item(), 100 * accuracy,
                  elapsed);
    }
  }
  // Reverse three unseen sequences.
  NoGradGuard no_grad;
  make_batch(gen, length, 3, source, target);
  const Tensor logits = model.logits(source, length, 3).value();
  for (int n = 0; n < 3; ++n) {
    std::string in, out;
    for (std::int64_t t = 0; t < length; ++t) {
      in += char('0' + source[t * 3 + n]);
      const float* row = logits.data() + (t * 3 + n) * kDigits;
      int best = 0;
      for (int k = 1; k < kDigits; ++k)
        if (row[k] > row[best]) best = k;
      out += char('0' + best);
    }
    std::printf("  %s -> %s\n", in.c_str(), out.c_str());
  }
  if (accuracy < 0.95) {
    std::fprintf(stderr, "nmt-demo: training reached only %.1f%% accuracy\n", 100 * accuracy);
    return 1;
  }
  return 0;
}
