// SPDX-License-Identifier: MIT
// Tests for ini_edit.cc: a key is replaced, added to its section or to a new section, and every
// other line (comments, unknown keys, other sections) stays as it was.
#include "ini_edit.h"

#include "catch.h"

namespace freenahi {
namespace {

TEST_CASE("ini_edit: replaces the key of the right section only", "[ini_edit]") {
  const std::string text =
      "# mine\n[powens]\n# the domain\ndomain =\nclient_id = old\n[other]\ndomain = keep\n";
  CHECK(IniSet(text, "powens", "domain", "exampleco-sandbox") ==
        "# mine\n[powens]\n# the domain\ndomain = exampleco-sandbox\nclient_id = old\n[other]\n"
        "domain = keep\n");
}

TEST_CASE("ini_edit: adds a missing key at the end of its section", "[ini_edit]") {
  CHECK(IniSet("[powens]\ndomain = d\n\n[server]\nlisten = x:1\n", "powens", "redirect_uri",
               "https://h/connected") ==
        "[powens]\ndomain = d\nredirect_uri = https://h/connected\n\n[server]\nlisten = x:1\n");
}

TEST_CASE("ini_edit: appends a missing section; comments never match", "[ini_edit]") {
  CHECK(IniSet("[server]\n# domain = no\n", "powens", "domain", "d") ==
        "[server]\n# domain = no\n\n[powens]\ndomain = d\n");
}

TEST_CASE("ini_edit: quotes values a reader would change", "[ini_edit]") {
  CHECK(IniSet("[powens]\n", "powens", "client_secret", " s#;") ==
        "[powens]\nclient_secret = \" s#;\"\n");
}

}  // namespace
}  // namespace freenahi
