// A shard's state streamed from its text one part at a time (nlohmann-json's SAX parser):
// only one indicator-year's tree exists at a time, each checked by StateBuilder
// (shard_state.cpp) as it comes.
#include <string>
#include <vector>

#include "engine/io/shard_read.h"

namespace plancast::shard_detail {

using json = nlohmann::json;

namespace {

/// SAX handler over the state's text: its single values are known (ShardScan); every other
/// value of the state is built as a tree and handed to the builder, each cell on its own,
/// so that only one cell's tree exists at a time.
class StateStream {
 public:
  explicit StateStream(StateBuilder& b) : b_(b) {}
  bool null() { return put(json(nullptr)); }
  bool boolean(bool v) { return put(json(v)); }
  bool number_integer(json::number_integer_t v) { return put(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return put(json(v)); }
  bool number_float(json::number_float_t v, const std::string&) { return put(json(v)); }
  bool string(std::string& v) { return put(json(std::move(v))); }
  bool binary(json::binary_t&) { return put(json(nullptr)); }
  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    if (depth_ == 1) {
      top_key_ = k;
    } else {
      keys_.back() = k;
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const json::exception& e) {
    throw std::logic_error(std::string("a scanned state does not parse: ") + e.what());
  }

 private:
  bool open(json v) {
    ++depth_;
    if (depth_ == 1) return true;  // the state object itself
    if (depth_ == 2 && top_key_ == "cells") {
      in_cells_ = true;  // the cells array: its elements go one by one
      return true;
    }
    tree_.push_back(std::move(v));
    keys_.emplace_back();
    return true;
  }
  bool close() {
    --depth_;
    if (depth_ == 0) return true;
    if (tree_.empty()) {
      in_cells_ = false;  // end of the cells array
      return true;
    }
    json v = std::move(tree_.back());
    tree_.pop_back();
    keys_.pop_back();
    return put(std::move(v));
  }
  bool put(json v) {
    if (!tree_.empty()) {
      json& top = tree_.back();
      if (top.is_object()) {
        top[keys_.back()] = std::move(v);
      } else {
        top.push_back(std::move(v));
      }
    } else if (in_cells_) {
      b_.cell(cell_++, v);
    } else if (!v.is_primitive()) {
      b_.field(top_key_, v);  // the state's single values came from the scan
    }
    return true;
  }

  StateBuilder& b_;
  int depth_ = 0;
  std::string top_key_;
  bool in_cells_ = false;
  std::size_t cell_ = 0;
  std::vector<json> tree_;
  std::vector<std::string> keys_;
};

}  // namespace

RunState stream_state(const std::string& text, const ShardScan& scan, StateBuilder& b) {
  b.begin(scan.state_scalars);
  StateStream stream(b);
  json::sax_parse(text.begin() + static_cast<std::ptrdiff_t>(scan.state_begin),
                  text.begin() + static_cast<std::ptrdiff_t>(scan.state_end), &stream);
  return b.finish();
}

}  // namespace plancast::shard_detail
