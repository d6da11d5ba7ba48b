// SPDX-License-Identifier: MIT
// IniSet: a line-level edit of INI text (no parse into Config and back, which would lose the
// user's comments and unknown keys).
#include "ini_edit.h"

#include <string_view>
#include <vector>

namespace freenahi {
namespace {

std::string_view Trim(std::string_view s) {
  size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t newline = text.find('\n', start);
    if (newline == std::string::npos) newline = text.size();
    lines.push_back(text.substr(start, newline - start));
    start = newline + 1;
  }
  return lines;
}

// The section named by a "[name]" line, or nullopt-like empty when not a header.
bool SectionOf(std::string_view line, std::string* name) {
  line = Trim(line);
  if (line.size() < 3 || line.front() != '[' || line.back() != ']') return false;
  *name = std::string(Trim(line.substr(1, line.size() - 2)));
  return true;
}

bool IsKeyLine(std::string_view line, const std::string& key) {
  line = Trim(line);
  if (line.empty() || line.front() == '#' || line.front() == ';') return false;
  size_t equals = line.find('=');
  return equals != std::string_view::npos && Trim(line.substr(0, equals)) == key;
}

std::string Quoted(const std::string& value) {
  bool quote = !value.empty() && (value.front() == '"' || value.front() == ' ' ||
                                  value.back() == ' ' || value.front() == '\t');
  return quote ? "\"" + value + "\"" : value;
}

}  // namespace

std::string IniSet(const std::string& text, const std::string& section, const std::string& key,
                   const std::string& value) {
  std::vector<std::string> lines = Lines(text);
  const std::string assignment = key + " = " + Quoted(value);
  std::string current;
  long key_at = -1, section_end = -1;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string name;
    if (SectionOf(lines[i], &name)) {
      current = name;
      if (current == section) section_end = static_cast<long>(i);
      continue;
    }
    if (current != section) continue;
    if (!Trim(lines[i]).empty()) section_end = static_cast<long>(i);
    if (IsKeyLine(lines[i], key)) key_at = static_cast<long>(i);
  }
  if (key_at >= 0) {
    lines[static_cast<size_t>(key_at)] = assignment;
  } else if (section_end >= 0) {
    lines.insert(lines.begin() + section_end + 1, assignment);
  } else {
    if (!lines.empty() && !Trim(lines.back()).empty()) lines.push_back("");
    lines.push_back("[" + section + "]");
    lines.push_back(assignment);
  }
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

}  // namespace freenahi
