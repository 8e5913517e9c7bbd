// UTF-8 text on utfcpp: validation, decoding, terminal display width, pad, truncate and wrap
// to a width (docs/architecture.md, "Text and numbers"). The one place where plancast looks
// inside UTF-8 bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace plancast {

/// Offset of the first byte that is not part of valid UTF-8, or npos when `s` is valid.
/// Overlong forms, surrogates (U+D800-DFFF) and code points past U+10FFFF are invalid; the
/// offset is that of the first byte of the bad sequence.
std::size_t first_invalid_utf8(std::string_view s);
/// Whether `s` is valid UTF-8 (first_invalid_utf8 finds nothing).
bool is_valid_utf8(std::string_view s);
/// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD.
std::string to_valid_utf8(std::string_view s);

/// The code point at s[i], advancing i past it; a byte that does not start a valid sequence
/// decodes as itself (one byte), so any bytes can be walked. Needs i < s.size().
char32_t next_code_point(std::string_view s, std::size_t& i);

/// Terminal columns of one code point: 0 for control characters, combining marks, zero-width
/// space and variation selectors; 2 for East Asian wide and fullwidth characters and emoji;
/// 1 otherwise.
int code_point_width(char32_t cp);
/// Terminal columns taken by `s` (sum of code_point_width; invalid bytes count as above).
std::size_t display_width(std::string_view s);

enum class Align { left, right };

/// `s` padded with spaces to `width` columns (on the right, or on the left for
/// Align::right); unchanged when already as wide or wider.
std::string pad_to_width(std::string_view s, std::size_t width, Align align = Align::left);
/// `s` without its control characters (below U+0020 and U+007F), cut to at most `width`
/// columns: when it is wider, the code points that fit in width - 1 columns and a '~'.
std::string truncate_to_width(std::string_view s, std::size_t width);
/// A table cell: truncate_to_width, then pad_to_width (exactly `width` columns when
/// width >= 1).
std::string fit_to_width(std::string_view s, std::size_t width, Align align = Align::left);

/// The words of `text` (split at ASCII white space) filled into lines: the first at most
/// `first_width` columns, the others at most `rest_width`; a word wider than its line is cut
/// at code point boundaries (at least one code point a line). At least one line (empty for
/// text without words).
std::vector<std::string> wrap_lines(std::string_view text, std::size_t first_width,
                                    std::size_t rest_width);
/// A table cell's text broken into lines of at most `width` columns, never cut short: text
/// with spaces as wrap_lines; an identifier (no space) after its last '_', '.', '-', '/', '@'
/// or ':' that fits, else at a code point. One line when it fits (or is empty).
std::vector<std::string> break_text(std::string_view text, std::size_t width);

/// One cell of a table row: its text, its column's width and alignment, and what separates
/// it from the cell before.
struct RowCell {
  std::string text;
  std::size_t width = 0;
  Align align = Align::left;
  std::string before;
};
/// A table row as lines: every cell broken by break_text to its width (so no identifier is
/// ever cut or truncated: it continues on the next line of its column) and padded; as
/// many lines as the tallest cell needs. Trailing blanks are removed.
std::vector<std::string> row_lines(const std::vector<RowCell>& cells);

/// wrap_lines to `width` columns including the prefixes: each line after `first` (the first
/// line) or `rest` (the others), ending in "\n".
std::string wrap_text(std::string_view text, std::size_t width, std::string_view first = "",
                      std::string_view rest = "");

}  // namespace plancast
