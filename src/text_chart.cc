// SPDX-License-Identifier: MIT
// Eighth-block bars: each column's height in eighths of a row is (value − min) / (max − min) ×
// rows × 8, computed in integers; the lowest value still gets one eighth so it stays visible.
#include "text_chart.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "output.h"
#include "wide_math.h"

namespace freenahi {
namespace {

const char* const kEighths[] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

std::string Pad(const std::string& text, size_t width) {
  size_t shown = DisplayWidth(text);
  return std::string(shown < width ? width - shown : 0, ' ') + text;
}

}  // namespace

std::vector<std::string> DrawBarChart(const std::vector<ChartPoint>& points, size_t width,
                                      size_t height) {
  std::vector<std::string> lines;
  if (points.empty() || height == 0) return lines;
  auto [lo, hi] = std::minmax_element(points.begin(), points.end(),
                                      [](const ChartPoint& a, const ChartPoint& b) {
                                        return a.value < b.value;
                                      });
  const size_t label_width = std::max(DisplayWidth(lo->value_text), DisplayWidth(hi->value_text));
  const size_t columns = std::max<size_t>(1, width > label_width + 3 ? width - label_width - 3 : 1);
  // Bucket i holds points [i*n/columns, (i+1)*n/columns): the last one is shown.
  const size_t n = points.size(), used = std::min(columns, n);
  std::vector<int64_t> eighths(used);
  // Differences of int64 values fit in uint64 (two's complement wraps to the right answer).
  const uint64_t span = static_cast<uint64_t>(hi->value) - static_cast<uint64_t>(lo->value);
  const int64_t full = static_cast<int64_t>(height) * 8;
  for (size_t i = 0; i < used; ++i) {
    const ChartPoint& p = points[(i + 1) * n / used - 1];
    uint64_t above_lo = static_cast<uint64_t>(p.value) - static_cast<uint64_t>(lo->value);
    eighths[i] = span == 0 ? full / 2
                           : static_cast<int64_t>(MultiplyDivide(above_lo, full - 1, span)) + 1;
  }
  for (size_t row = 0; row < height; ++row) {
    const int64_t floor = static_cast<int64_t>(height - 1 - row) * 8;
    std::string label = row == 0 ? hi->value_text : row + 1 == height ? lo->value_text : "";
    std::string line = Pad(label, label_width) + " │";
    for (int64_t e : eighths) line += kEighths[std::clamp<int64_t>(e - floor, 0, 8)];
    lines.push_back(line);
  }
  std::string axis = std::string(label_width, ' ') + " └" ;
  for (size_t i = 0; i < used; ++i) axis += "─";
  lines.push_back(axis);
  std::string first = points.front().label, last = points.back().label;
  std::string x = std::string(label_width + 2, ' ') + first;
  size_t end = label_width + 2 + used;
  size_t gap = end > DisplayWidth(x) + DisplayWidth(last) ? end - DisplayWidth(x) - DisplayWidth(last) : 1;
  lines.push_back(x + std::string(std::max<size_t>(gap, 1), ' ') + last);
  return lines;
}

size_t TerminalColumns(FILE* stream) {
  struct winsize ws;
  if (ioctl(fileno(stream), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* env = getenv("COLUMNS")) {
    long n = strtol(env, nullptr, 10);
    if (n > 0 && n < 10000) return static_cast<size_t>(n);
  }
  return 80;
}

}  // namespace freenahi
