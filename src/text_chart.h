// SPDX-License-Identifier: MIT
// A small bar chart for a terminal, drawn with the Unicode eighth blocks (▁▂▃▄▅▆▇█): one column
// per bucket of points, scaled between the lowest and the highest value. Pure text; the caller
// picks the width (TerminalColumns) and prints. Used by `assets --history` on a TTY.
#ifndef FREENAHI_TEXT_CHART_H_
#define FREENAHI_TEXT_CHART_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace freenahi {

struct ChartPoint {
  std::string label;  // the x value ("2024-03-14")
  int64_t value = 0;
  std::string value_text;  // how to print the value ("12345.67 EUR")
};

// Lines of the chart (no trailing newline each): `height` rows of bars with the top and bottom
// values labelled on the left, then a row with the first and last x labels. Points are grouped
// into at most `width` - label width columns; a column shows its bucket's last point.
std::vector<std::string> DrawBarChart(const std::vector<ChartPoint>& points, size_t width,
                                      size_t height);

// Columns of the terminal on `stream` (TIOCGWINSZ), else $COLUMNS, else 80.
size_t TerminalColumns(FILE* stream);

}  // namespace freenahi

#endif  // FREENAHI_TEXT_CHART_H_
