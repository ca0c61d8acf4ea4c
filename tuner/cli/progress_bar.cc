// The stderr progress line (see the header).
#include "tuner/cli/progress_bar.h"

#include <unistd.h>

#include <cstdio>
#include <string>

#include <fmt/format.h>

namespace pietune::tuner::cli {

ProgressBar::ProgressBar() : enabled_(isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fputs("\n", stderr);
}

void ProgressBar::update(const Progress& p) {
  if (!enabled_) return;
  const int width = 24;
  const int filled = p.layers_total > 0 ? width * p.layers_done / p.layers_total : width;
  const std::string bar = std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(width - filled), '.');
  std::string eta = "-";
  if (p.layers_done > 0 && p.layers_done < p.layers_total)
    eta = fmt::format("{:.0f}s", p.elapsed_seconds / p.layers_done * (p.layers_total - p.layers_done));
  fmt::print(stderr, "\r{:<6} [{}] layers {}/{}  estimates {} ({} computed)  {:.1f}s  ETA {}   ", p.phase, bar,
             p.layers_done, p.layers_total, p.estimates, p.computed, p.elapsed_seconds, eta);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace pietune::tuner::cli
