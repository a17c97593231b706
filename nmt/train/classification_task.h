// Training a sentence classifier (model.type classifier, issue 20) on labelled sentences: the
// loss is the summed sentence cross-entropy, validation the dev perplexity (exp of the mean
// cross-entropy), accuracy and macro-F1, and the test split labelled into test.labels and
// scored with accuracy and macro-F1 (per label too, in test.scores.json). The label set is
// read from the training labels and stored in the model file; a dev or test label that
// training never saw is an error naming its file and line, before anything is written.
#pragma once

#include <memory>

#include "nmt/train/training_task.h"

namespace nmt::train {

std::unique_ptr<TrainingTask> make_classification_task(const io::Recipe& recipe);

}  // namespace nmt::train
