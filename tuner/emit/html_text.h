// What every HTML page pietune writes shares: text escaped for element content and for
// single-quoted attributes, and the opening of an inline SVG chart with its accessible label.
#pragma once

#include <string>
#include <string_view>

namespace pietune::tuner {

// & < > " ' as entities.
std::string html_escape(std::string_view text);

// "<svg ... width height role='img' aria-label='label'>\n<desc>description</desc>\n".
std::string svg_open(int width, int height, std::string_view label, const std::string& description);

}  // namespace pietune::tuner
