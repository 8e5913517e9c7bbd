// UTF-8 text on utfcpp (utf8.h).
#include "engine/core/utf8.h"

#include <utf8.h>  // utfcpp (libutfcpp-dev)

#include <algorithm>

namespace plancast {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_control(char32_t cp) {
  return cp < 0x20 || cp == 0x7F;
}

std::size_t columns_left(std::size_t width, std::string_view prefix) {
  const std::size_t used = display_width(prefix);
  return width > used ? width - used : 1;
}

}  // namespace

std::size_t first_invalid_utf8(std::string_view s) {
  const auto bad = utf8::find_invalid(s.begin(), s.end());
  return bad == s.end() ? std::string_view::npos : static_cast<std::size_t>(bad - s.begin());
}

bool is_valid_utf8(std::string_view s) {
  return first_invalid_utf8(s) == std::string_view::npos;
}

std::string to_valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const std::size_t bad = first_invalid_utf8(s);
    out.append(s.substr(0, bad));
    if (bad == std::string_view::npos) break;
    out += "\xEF\xBF\xBD";  // U+FFFD
    s.remove_prefix(bad + 1);
  }
  return out;
}

char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    ++i;
    return b;
  }
  // One sequence is at most 4 bytes: find_invalid on them says whether the first is whole.
  const auto start = s.begin() + static_cast<std::ptrdiff_t>(i);
  const auto stop = s.begin() + static_cast<std::ptrdiff_t>(std::min(s.size(), i + 4));
  if (utf8::find_invalid(start, stop) == start) {
    ++i;
    return b;
  }
  auto it = start;
  const auto cp = static_cast<char32_t>(utf8::unchecked::next(it));
  i = static_cast<std::size_t>(it - s.begin());
  return cp;
}

int code_point_width(char32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;
  if ((cp >= 0x0300 && cp <= 0x036F) || cp == 0x200B || (cp >= 0xFE00 && cp <= 0xFE0F)) return 0;
  const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
                    (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    w += static_cast<std::size_t>(code_point_width(next_code_point(s, i)));
  }
  return w;
}

std::string pad_to_width(std::string_view s, std::size_t width, Align align) {
  const std::size_t w = display_width(s);
  const std::string pad(width > w ? width - w : 0, ' ');
  return align == Align::right ? pad + std::string(s) : std::string(s) + pad;
}

std::string truncate_to_width(std::string_view s, std::size_t width) {
  const bool cut = display_width(s) > width;
  std::string out;
  std::size_t used = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    const char32_t cp = next_code_point(s, i);
    if (is_control(cp)) continue;
    if (cut) {
      const auto w = static_cast<std::size_t>(code_point_width(cp));
      if (used + w + 1 > width) break;
      used += w;
    }
    out.append(s.substr(start, i - start));
  }
  return cut ? out + "~" : out;
}

std::string fit_to_width(std::string_view s, std::size_t width, Align align) {
  return pad_to_width(truncate_to_width(s, width), width, align);
}

std::vector<std::string> wrap_lines(std::string_view text, std::size_t first_width,
                                    std::size_t rest_width) {
  std::vector<std::string> lines;
  std::string line;
  auto width = [&] { return std::max<std::size_t>(lines.empty() ? first_width : rest_width, 1); };
  auto add_word = [&](std::string_view word) {
    while (display_width(word) > width()) {  // a word wider than a line: cut on its own lines
      if (!line.empty()) {
        lines.push_back(std::move(line));
        line.clear();
      }
      std::size_t i = 0, used = 0;
      for (std::size_t next = 0; i < word.size(); i = next) {
        next = i;
        const auto w = static_cast<std::size_t>(code_point_width(next_code_point(word, next)));
        if (i > 0 && used + w > width()) break;
        used += w;
      }
      lines.emplace_back(word.substr(0, i));
      word.remove_prefix(i);
    }
    if (word.empty()) return;
    if (line.empty()) {
      line = word;
    } else if (display_width(line) + 1 + display_width(word) <= width()) {
      line += ' ';
      line += word;
    } else {
      lines.push_back(std::move(line));
      line = word;
    }
  };
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || is_space(text[i])) {
      if (i > start) add_word(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (!line.empty() || lines.empty()) lines.push_back(std::move(line));
  return lines;
}

std::string wrap_text(std::string_view text, std::size_t width, std::string_view first,
                      std::string_view rest) {
  const std::vector<std::string> lines =
      wrap_lines(text, columns_left(width, first), columns_left(width, rest));
  std::string out;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    out += k == 0 ? first : rest;
    out += lines[k];
    out += '\n';
  }
  return out;
}

std::vector<std::string> break_text(std::string_view text, std::size_t width) {
  width = std::max<std::size_t>(width, 1);
  if (display_width(text) <= width) return {std::string(text)};
  for (const char c : text) {
    if (is_space(c)) return wrap_lines(text, width, width);
  }
  std::vector<std::string> lines;
  while (!text.empty()) {
    if (display_width(text) <= width) {
      lines.emplace_back(text);
      break;
    }
    // The longest prefix that fits, then back to just after a separator where there is one.
    std::size_t end = 0, used = 0, after_sep = 0;
    for (std::size_t i = 0; i < text.size();) {
      std::size_t next = i;
      const char32_t cp = next_code_point(text, next);
      const auto w = static_cast<std::size_t>(code_point_width(cp));
      if (i > 0 && used + w > width) break;
      used += w;
      i = end = next;
      if (cp == '_' || cp == '.' || cp == '-' || cp == '/' || cp == '@' || cp == ':')
        after_sep = end;
    }
    const std::size_t cut = after_sep > 0 ? after_sep : end;
    lines.emplace_back(text.substr(0, cut));
    text.remove_prefix(cut);
  }
  return lines;
}

std::vector<std::string> row_lines(const std::vector<RowCell>& cells) {
  std::vector<std::vector<std::string>> pieces;
  std::size_t n = 1;
  for (const RowCell& c : cells) {
    pieces.push_back(break_text(c.text, c.width));
    n = std::max(n, pieces.back().size());
  }
  std::vector<std::string> lines(n);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      lines[k] += cells[c].before;
      lines[k] +=
          pad_to_width(k < pieces[c].size() ? pieces[c][k] : "", cells[c].width, cells[c].align);
    }
    while (!lines[k].empty() && lines[k].back() == ' ') lines[k].pop_back();
  }
  return lines;
}

}  // namespace plancast
