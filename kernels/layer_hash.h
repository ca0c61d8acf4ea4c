// The hash behind Layer::timing_signature and Layer::full_identity (canonical forms in layer.h).
#pragma once

#include "model/support/fnv1a.h"

namespace pietune::kernels {

using pietune::fnv1a_64;

}  // namespace pietune::kernels
