// SPDX-License-Identifier: MIT
// QrForTerminal with libqrencode: encode (level M, 8-bit), then map each pair of module rows to
// one line of half blocks. Picked by CMake when libqrencode is found.
#include "qr_terminal.h"

#include <qrencode.h>

#include <memory>

namespace freenahi {
namespace {

constexpr int kQuietZone = 2;  // modules of light border on each side

struct QrFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

}  // namespace

std::string QrForTerminal(const std::string& text) {
  std::unique_ptr<QRcode, QrFree> code(QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!code) return "";
  const int width = code->width;
  // Light (true) outside the symbol and where the module bit is clear.
  auto light = [&](int row, int col) {
    row -= kQuietZone;
    col -= kQuietZone;
    if (row < 0 || col < 0 || row >= width || col >= width) return true;
    return (code->data[row * width + col] & 1) == 0;
  };
  const int side = width + 2 * kQuietZone;
  std::string out;
  for (int row = 0; row < side; row += 2) {
    for (int col = 0; col < side; ++col) {
      bool top = light(row, col);
      bool bottom = row + 1 < side ? light(row + 1, col) : false;
      out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
    }
    out += '\n';
  }
  return out;
}

}  // namespace freenahi
