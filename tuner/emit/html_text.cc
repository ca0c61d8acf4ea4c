// Shared HTML text helpers (see the header).
#include "tuner/emit/html_text.h"

#include <fmt/format.h>

namespace pietune::tuner {

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;  // the pages single-quote their attributes
      default: out += c;
    }
  }
  return out;
}

std::string svg_open(int width, int height, std::string_view label, const std::string& description) {
  return fmt::format("<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' role='img' aria-label='{}'>\n"
                     "<desc>{}</desc>\n",
                     width, height, label, html_escape(description));
}

}  // namespace pietune::tuner
