// Names in a scenario: what counts as an identifier, and the "did you mean" suggestion that
// unknown keys and names get (node_reader.cpp, the loader's section readers).
#pragma once

#include <string>
#include <vector>

namespace plancast {

/// `s` with A-Z turned to a-z (other bytes unchanged).
std::string ascii_lower(std::string s);
/// True for [A-Za-z_][A-Za-z0-9_]*.
bool is_identifier(const std::string& s);
/// The candidate nearest to `word` by edit distance, if close enough to be a useful
/// suggestion (distance <= max(2, len/3)); empty otherwise.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace plancast
