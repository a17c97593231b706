// Non-differentiable tensor kernels for code outside the graph (optimizers, clipping).
#pragma once

#include "nmt/graph/tensor.h"

namespace nmt::graph {

void add_in_place(Tensor& dst, const Tensor& src);  // dst += src  (oneDNN binary)
void scale_in_place(Tensor& t, float factor);       // t *= factor (oneDNN eltwise linear)
double sum_of_squares(const Tensor& t);             // (oneDNN reduction, L2 power sum)

}  // namespace nmt::graph
