// The share of a batch that one process of a data-parallel run trains on (issue 18).
//
// Every process reads the same corpus and draws the same batches; process `part` of `parts`
// trains on a contiguous run of each batch's rows, the runs chosen so that each holds about
// the same number of target tokens. The union of the shares is the batch, so N processes whose
// gradients are summed (each scaled by the whole batch's token count) make the update one
// process makes from the whole batch; `training.batch_tokens` is the batch of the whole run,
// whatever N is.
#pragma once

#include <cstddef>

#include "nmt/data/batch.h"
#include "nmt/data/encoded_corpus.h"

namespace nmt::train {

// Rows [first, last) of the batch that part `part` of `parts` trains on. The run boundaries
// fall on multiples of `row_multiple` (the batcher's row granularity, see BatchingOptions)
// where the batch has enough rows; a batch with fewer rows than parts leaves some shares empty.
struct RowRange {
  std::size_t first = 0, last = 0;
  std::size_t rows() const { return last - first; }
};
RowRange share_rows(const data::Batch& batch, std::size_t part, std::size_t parts, std::size_t row_multiple);

// Those rows as a batch of their own, padded to their own longest sentences (`padding` as the
// batcher pads). The batch must be one of `corpus`'s.
data::Batch batch_share(const data::EncodedCorpus& corpus, const data::Batch& batch, std::size_t part,
                        std::size_t parts, const data::WidthPadding& padding, std::size_t row_multiple);

}  // namespace nmt::train
