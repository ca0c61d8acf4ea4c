// A one-line progress display on stderr for long runs, redrawn in place when stderr is a terminal
// (layers, estimates, ETA) and silent otherwise, so logs and pipes stay clean.
#pragma once

#include "tuner/tune/tune_model.h"

namespace pietune::tuner::cli {

class ProgressBar {
 public:
  ProgressBar();
  ~ProgressBar();  // ends the line it drew
  void update(const Progress& p);

 private:
  bool enabled_;
  bool drawn_ = false;
};

}  // namespace pietune::tuner::cli
