# The include layering of docs/architecture.md §1, checked on the sources:
#   cmake -DSOURCE_DIR=<repository root> -P cmake/check_layering.cmake
# Every `#include "engine/X/..."` or `#include "models/..."` in a file of engine/<folder>/ or
# models/ must name the folder itself or one the folder may use (the table below, the same
# order as the libraries link). A folder under engine/ that the table does not list fails
# too, so that a new folder gets its place in the layering before it is used. Exits with an
# error listing every offending line.

cmake_minimum_required(VERSION 3.22)

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<repository root> -P check_layering.cmake")
endif()

# Folder -> the folders below it that it may include (besides itself).
set(PLANCAST_USES_core "")
set(PLANCAST_USES_random core)
set(PLANCAST_USES_config core random)
set(PLANCAST_USES_sim core random config)
set(PLANCAST_USES_analysis core random config sim)
set(PLANCAST_USES_io core random config sim analysis)
set(PLANCAST_USES_models core random config sim)
set(PLANCAST_USES_api core random config sim analysis io models)
set(PLANCAST_USES_cli core random config sim analysis io models api)
set(PLANCAST_FOLDERS core random config sim analysis io models api cli)

set(problems "")
file(GLOB engine_dirs LIST_DIRECTORIES true RELATIVE ${SOURCE_DIR}/engine ${SOURCE_DIR}/engine/*)
foreach(dir IN LISTS engine_dirs)
  if(IS_DIRECTORY ${SOURCE_DIR}/engine/${dir} AND NOT dir IN_LIST PLANCAST_FOLDERS)
    string(APPEND problems "  engine/${dir}/: a folder the layering does not list "
                           "(add it to cmake/check_layering.cmake and docs/architecture.md)\n")
  endif()
endforeach()

set(checked 0)
foreach(folder IN LISTS PLANCAST_FOLDERS)
  if(folder STREQUAL "models")
    set(path models)
  else()
    set(path engine/${folder})
  endif()
  file(GLOB_RECURSE sources RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/${path}/*.h
       ${SOURCE_DIR}/${path}/*.cpp)
  foreach(src IN LISTS sources)
    math(EXPR checked "${checked} + 1")
    file(STRINGS ${SOURCE_DIR}/${src} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line IN LISTS includes)
      if(line MATCHES "\"engine/([A-Za-z0-9_]+)/")
        set(target ${CMAKE_MATCH_1})
      elseif(line MATCHES "\"models/")
        set(target models)
      else()
        continue()
      endif()
      if(target STREQUAL folder OR target IN_LIST PLANCAST_USES_${folder})
        continue()
      endif()
      string(STRIP "${line}" line)
      string(APPEND problems "  ${src}: ${line} (${folder} may include only: "
                             "${folder} ${PLANCAST_USES_${folder}})\n")
    endforeach()
  endforeach()
endforeach()

if(checked EQUAL 0)
  message(FATAL_ERROR "no sources found under ${SOURCE_DIR}/engine and ${SOURCE_DIR}/models")
endif()
if(problems)
  message(FATAL_ERROR "includes against the layering of docs/architecture.md:\n${problems}")
endif()
message(STATUS "layering: ${checked} files, every include within its folder's layers")
