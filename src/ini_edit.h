// SPDX-License-Identifier: MIT
// Edits one key of an INI text in place, keeping every other line (comments, order, the user's
// own keys) as it was. Used by `freenahi init` to complete a config the user already has.
#ifndef FREENAHI_INI_EDIT_H_
#define FREENAHI_INI_EDIT_H_

#include <string>

namespace freenahi {

// `text` with `key = value` in [section]: the key's last line there is replaced; else the line
// is added at the end of the section; else the section is appended. The value is quoted when a
// reader would otherwise change it (leading/trailing spaces, a leading '"').
std::string IniSet(const std::string& text, const std::string& section, const std::string& key,
                   const std::string& value);

}  // namespace freenahi

#endif  // FREENAHI_INI_EDIT_H_
