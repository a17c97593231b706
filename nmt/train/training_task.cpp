#include "nmt/train/training_task.h"

#include "nmt/train/classification_task.h"
#include "nmt/train/translation_task.h"

namespace nmt::train {

std::unique_ptr<TrainingTask> make_training_task(const io::Recipe& recipe) {
  return recipe.model.type == "classifier" ? make_classification_task(recipe) : make_translation_task(recipe);
}

}  // namespace nmt::train
