# Turns a text file into a C++ source defining plancast::bundled_scenario_text().
file(READ ${IN} content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
file(WRITE ${OUT} "// Generated from ${IN}: do not edit.\n#include <string_view>\n"
  "namespace plancast {\nnamespace { const unsigned char kData[] = {${bytes} 0x00};}\n"
  "std::string_view bundled_scenario_text() {\n"
  "  return {reinterpret_cast<const char*>(kData), sizeof(kData) - 1};\n}\n}\n")
