// Training a translation model (model.type rnn or transformer) on a parallel corpus: the loss
// is the summed target-token cross-entropy, validation the dev perplexity and greedy dev BLEU,
// the test split translated greedily into test.hyp and scored with BLEU and chrF.
#pragma once

#include <memory>

#include "nmt/models/model.h"
#include "nmt/train/training_data.h"
#include "nmt/train/training_task.h"

namespace nmt::train {

std::unique_ptr<TrainingTask> make_translation_task(const io::Recipe& recipe);

}  // namespace nmt::train
